/** Readiness: a supervised process's health URL answers 200 (for the version it should run). */
import { request } from 'undici';
import { readBody } from '../http/read-body';

/** A health answer is a status and a version; a longer one is cut (and is then not JSON: no version to compare). */
const MAX_HEALTH_ANSWER_BYTES = 64 * 1024;

/** 200, and when the answer is JSON with a `version`, the expected one: an old instance still on the port is not ready. */
export async function answers(url: string, version: string | undefined): Promise<boolean> {
  try {
    const response = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    const { text } = await readBody(response.body, { maxBytes: MAX_HEALTH_ANSWER_BYTES });
    if (response.statusCode !== 200) return false;
    if (version === undefined) return true;
    try {
      const reported = (JSON.parse(text) as { version?: unknown }).version;
      return reported === undefined || reported === version;
    } catch {
      return true;
    }
  } catch {
    return false;
  }
}
