import type { FunctionSpec } from '../../scenario/variant.js';
import type { Prepared } from '../types.js';
import type { Docker } from './docker.js';
import type { ImageSpec } from './existingImage.js';
import { imageExists } from './images.js';
import { imageNotFound } from './launch.js';
import { chosenOciRuntime } from './ociRuntimes.js';

/** Prepared.data of a scenario whose function is an existing image (function: { image, port }). */
export interface ImageFunctionData {
  existingImage: string;
  port: number;
}

// Checked once per variant, so a mistyped name fails the variant before any load instead of at every cold start.
export async function prepareImageFunction(d: Docker, fn: FunctionSpec & { image: string }): Promise<ImageFunctionData> {
  if (!(await imageExists(d, fn.image))) throw imageNotFound(fn.image);
  // The schema requires a port with an image; 8080 only guards callers that build a FunctionSpec by hand.
  return { existingImage: fn.image, port: fn.port ?? 8080 };
}

/** The image to start when prepare() found the function to be an existing image; undefined for a handler module. */
export function imageSpecOf(prepared: Prepared): ImageSpec | undefined {
  const { existingImage, port } = prepared.data;
  if (typeof existingImage !== 'string' || typeof port !== 'number') return undefined;
  const ociRuntime = chosenOciRuntime(prepared.data);
  const { variant } = prepared;
  return { image: existingImage, port, env: prepared.fn.env, memoryMb: variant.memoryMb, cpus: variant.cpus, ...(ociRuntime ? { ociRuntime } : {}) };
}
