// Placeholder until the WeChat project lands: compiles every WXML with the official wcc.
console.log('check:mp: no mini program yet');
