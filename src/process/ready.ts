/** Readiness: a supervised process's health URL answers 200 (for the version it should run). */
import { request } from 'undici';

/** 200, and when the answer is JSON with a `version`, the expected one: an old instance still on the port is not ready. */
export async function answers(url: string, version: string | undefined): Promise<boolean> {
  try {
    const response = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    const text = await response.body.text();
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
