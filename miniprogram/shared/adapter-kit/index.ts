// Platform-free helpers the WeChat and Alipay adapters share (header and body
// normalisation, abortable uploads, picked-file shaping, image types from bytes, the
// files photo preparation writes). Only adapters import it.
export * from './image-type';
export * from './photo-files';
export * from './picked-file';
export * from './transport-common';
