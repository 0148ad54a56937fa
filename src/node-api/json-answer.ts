import type { ServerResponse } from 'node:http';

/** A JSON answer; the listener has set no-store and nosniff on every answer already. */
export function answerJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** An error answer in the same shape on every API path: `{ error }`, saying what was wrong. */
export function answerError(response: ServerResponse, statusCode: number, error: string): void {
  answerJson(response, statusCode, { error });
}
