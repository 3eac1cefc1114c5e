// Platform-free page logic both apps bind to their own templates: the upload and history
// controllers, the card view model, the words (i18n) and the app's services builder.
export * from './app-services';
export * from './display-name';
export * from './history-controller';
export * from './i18n';
export * from './middle-ellipsis';
export * from './photo-prep';
export * from './picker-options';
export * from './resume-view';
export * from './upload-controller';
export * from './upload-view';
