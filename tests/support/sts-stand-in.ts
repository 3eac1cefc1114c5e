// A local stand-in for each vendor's STS API: a real HTTP server on 127.0.0.1 that
// records what the official SDK sent and answers in the vendor's documented shape
// (Alibaba: RPC JSON; Tencent: API 3.0 JSON, errors with HTTP 200; AWS: Query XML).
// It does not check the request signatures: those are the SDKs' business, not ours.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StsVendor } from '../../cloud-signer/src/sts/types';

export interface StsCall {
  /** Action and parameters as the vendor reads them (query, form or JSON body merged). */
  params: Record<string, string>;
  /** The request headers (who signed the call: Authorization, the security token header). */
  headers: http.IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  contentType: string;
  body: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  expiration: Date;
}

export interface StandIn {
  /** e.g. http://127.0.0.1:41234 — what UPLOAD_STS_ENDPOINT is set to. */
  endpoint: string;
  calls: StsCall[];
  close(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function paramsOf(vendor: StsVendor, req: http.IncomingMessage, body: string): Record<string, string> {
  const params: Record<string, string> = {};
  new URL(req.url ?? '/', 'http://stand-in').searchParams.forEach((value, name) => (params[name] = value));
  if (vendor === 'tencent') {
    // API 3.0: the action travels in a header, the parameters as a JSON body.
    for (const [name, value] of Object.entries(JSON.parse(body || '{}'))) params[name] = String(value);
    params.Action = String(req.headers['x-tc-action'] ?? '');
  } else {
    new URLSearchParams(body).forEach((value, name) => (params[name] = value));
    // Alibaba's V3 signature (ACS3-HMAC-SHA256) moves the action into a header.
    if (vendor === 'alibaba') params.Action = String(req.headers['x-acs-action'] ?? params.Action ?? '');
  }
  return params;
}

export async function startStandIn(
  vendor: StsVendor,
  answer: (call: StsCall, callNumber: number) => Reply | Promise<Reply>,
): Promise<StandIn> {
  const calls: StsCall[] = [];
  const server = http.createServer(async (req, res) => {
    const call = { params: paramsOf(vendor, req, await readBody(req)), headers: req.headers };
    calls.push(call);
    const reply = await answer(call, calls.length);
    res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Content-Length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const JSON_TYPE = 'application/json;charset=utf-8';
const XML_TYPE = 'text/xml';

/** The vendor's success answer carrying `issued`. */
export function okReply(vendor: StsVendor, issued: IssuedCredentials): Reply {
  switch (vendor) {
    case 'alibaba':
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({
          RequestId: '6894B13B-6D71-4EF5-88FA-F32781734A7F',
          AssumedRoleUser: { Arn: 'acs:ram::123456789012:role/uploader/mini-upload-signer', AssumedRoleId: '34458433936495****:mini-upload-signer' },
          Credentials: {
            AccessKeyId: issued.accessKeyId,
            AccessKeySecret: issued.accessKeySecret,
            // Alibaba writes whole seconds with a Z.
            Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            SecurityToken: issued.securityToken,
          },
        }),
      };
    case 'tencent':
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({
          Response: {
            Credentials: { Token: issued.securityToken, TmpSecretId: issued.accessKeyId, TmpSecretKey: issued.accessKeySecret },
            ExpiredTime: Math.floor(issued.expiration.getTime() / 1000),
            Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            RequestId: '4daec797-9cd2-4f09-9e7a-7d4c43b2a74c',
          },
        }),
      };
    case 'aws':
      return {
        status: 200,
        contentType: XML_TYPE,
        body:
          '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>' +
          '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/uploader/mini-upload-signer</Arn>' +
          '<AssumedRoleId>ARO123EXAMPLE123:mini-upload-signer</AssumedRoleId></AssumedRoleUser>' +
          `<Credentials><AccessKeyId>${issued.accessKeyId}</AccessKeyId><SecretAccessKey>${issued.accessKeySecret}</SecretAccessKey>` +
          `<SessionToken>${issued.securityToken}</SessionToken><Expiration>${issued.expiration.toISOString()}</Expiration></Credentials>` +
          '<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>' +
          '<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>',
      };
  }
}

/** The vendor's answer for a refused AssumeRole (the role does not trust the caller). */
export function deniedReply(vendor: StsVendor, message: string): Reply {
  switch (vendor) {
    case 'alibaba':
      return {
        status: 403,
        contentType: JSON_TYPE,
        body: JSON.stringify({ RequestId: 'B4A1A1E3-0E26-4E5C-9F4A-4A4A4A4A4A4A', HostId: 'sts.aliyuncs.com', Code: 'NoPermission', Message: message }),
      };
    case 'tencent':
      // API 3.0 reports errors inside an HTTP 200.
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({ Response: { Error: { Code: 'AuthFailure.UnauthorizedOperation', Message: message }, RequestId: 'a1b2c3d4' } }),
      };
    case 'aws':
      return {
        status: 403,
        contentType: XML_TYPE,
        body:
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
          `<Code>AccessDenied</Code><Message>${message}</Message></Error><RequestId>c6104cbe-0000</RequestId></ErrorResponse>`,
      };
  }
}
