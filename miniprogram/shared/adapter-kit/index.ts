// Platform-free helpers the WeChat and Alipay adapters share (header and body
// normalisation, abortable uploads, picked-file shaping, image and video types from bytes, the
// files photo preparation writes, the app's hide and show). Only adapters import it.
export * from './app-visibility';
export * from './image-type';
export * from './photo-files';
export * from './picked-file';
export * from './transport-common';
export * from './video-type';
