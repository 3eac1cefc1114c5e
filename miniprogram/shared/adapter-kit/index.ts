// Platform-free helpers the WeChat and Alipay adapters share (header and body
// normalisation, abortable uploads, picked-file shaping). Only adapters import it.
export * from './picked-file';
export * from './transport-common';
