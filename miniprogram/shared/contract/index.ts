// The runtime half of the HTTP contract between the apps and the signer (the types are in
// typings/): route paths, per-request limits, the provider list, response validators, the
// byte formatter and the MIME table. The signer and both apps import it through this file.
export * from './format-bytes';
export * from './limits';
export * from './mime-table';
export * from './providers';
export * from './routes';
export * from './type-patterns';
export * from './validators';
export * from './part-plan';
