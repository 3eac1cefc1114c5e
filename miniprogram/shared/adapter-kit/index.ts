// Platform-free helpers the WeChat and Alipay adapters share (header and body
// normalisation, abortable uploads, picked-file shaping, image types from bytes). Only adapters import it.
export * from './image-type';
export * from './picked-file';
export * from './transport-common';
