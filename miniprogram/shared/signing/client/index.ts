// Client-side signing (signing: 'client'): turns temporary credentials from /api/credentials
// into a ticket with the same dialect code the signer runs. App-only; no packages.
export * from './client-signer';
