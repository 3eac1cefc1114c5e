// The app shell. Services (platform, engine, history) are built lazily by the
// first page that needs them (services.ts), so nothing here touches `wx`.
App({});
