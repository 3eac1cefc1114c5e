// The signer's multipart routes as typed calls (the same auth and error mapping as
// tickets, through TicketClient.postJson). Answers are checked for the fields the
// engine relies on; anything else is a bad response, not a crash later.
import type {
  AbortUploadRequest,
  CompleteUploadRequest,
  CompleteUploadResponse,
  CreateUploadRequest,
  CreateUploadResponse,
  ListUploadPartsRequest,
  ListUploadPartsResponse,
  SignPartsRequest,
  SignPartsResponse,
} from '../../../typings/multipart';
import { UPLOADS_PATH, UPLOAD_ABORT_PATH, UPLOAD_COMPLETE_PATH, UPLOAD_LIST_PATH, UPLOAD_PARTS_PATH } from '../contract/index';
import { problem } from './failure';
import { SignerError, ticketRequestFile, type TicketClient } from './ticket-client';

export interface MultipartClient {
  create(file: { name: string; size: number; type: string }): Promise<CreateUploadResponse>;
  sign(uploadToken: string, partNumbers: number[]): Promise<SignPartsResponse>;
  list(uploadToken: string): Promise<ListUploadPartsResponse>;
  complete(uploadToken: string, parts: { partNumber: number; etag: string }[]): Promise<CompleteUploadResponse>;
  abort(uploadToken: string): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const badResponse = () => new SignerError(problem('badResponse'));

function checked<T>(body: unknown, valid: (b: Record<string, unknown>) => boolean): T {
  if (!isObject(body) || !valid(body)) throw badResponse();
  return body as T;
}

export function createMultipartClient(client: Pick<TicketClient, 'postJson'>): MultipartClient {
  return {
    async create(file) {
      const request: CreateUploadRequest = ticketRequestFile(file);
      const body = await client.postJson(UPLOADS_PATH, request);
      return checked(body, (b) => typeof b.uploadToken === 'string' && typeof b.key === 'string' && Number.isInteger(b.partSize) && Number.isInteger(b.partCount));
    },
    async sign(uploadToken, partNumbers) {
      const request: SignPartsRequest = { uploadToken, partNumbers };
      const body = await client.postJson(UPLOAD_PARTS_PATH, request);
      return checked(body, (b) => Array.isArray(b.parts) && b.parts.length === partNumbers.length);
    },
    async list(uploadToken) {
      const request: ListUploadPartsRequest = { uploadToken };
      const body = await client.postJson(UPLOAD_LIST_PATH, request);
      return checked(body, (b) => Array.isArray(b.parts) && (b.assembled === undefined || (isObject(b.assembled) && typeof b.assembled.key === 'string' && typeof b.assembled.objectUrl === 'string')));
    },
    async complete(uploadToken, parts) {
      const request: CompleteUploadRequest = { uploadToken, parts };
      const body = await client.postJson(UPLOAD_COMPLETE_PATH, request);
      return checked(body, (b) => typeof b.key === 'string' && typeof b.objectUrl === 'string');
    },
    async abort(uploadToken) {
      const request: AbortUploadRequest = { uploadToken };
      await client.postJson(UPLOAD_ABORT_PATH, request);
    },
  };
}
