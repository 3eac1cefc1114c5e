// What the pickers should offer, from the signer's allowed types: a picker that
// shows videos or PDFs the signer will refuse only leads to a refusal after the
// person chose. WeChat's chooseMedia takes `mediaType` ['image'|'video'];
// chooseMessageFile takes `type` (all|video|image|file; `file` is everything but
// photos and videos) and, for `file`, an `extension` filter (WeChat docs, chooseMessageFile).
import { TYPE_BY_EXTENSION, typeMatches } from '../contract/index';
import type { ChatFileType, MediaKind } from '../core/index';

type MediaType = MediaKind;

export interface PickerOptions {
  /** For the album and camera; empty when neither photos nor videos are allowed. */
  mediaTypes: MediaType[];
  chatType: ChatFileType;
  /** Only with chatType 'file': the extensions (no dot) of the allowed types. */
  extensions?: string[];
}

/** A type of each kind, to ask whether the patterns admit the kind at all. */
const SAMPLE: Record<MediaType, string[]> = {
  image: ['image/jpeg', 'image/png', 'image/heic'],
  video: ['video/mp4', 'video/quicktime'],
};

const admits = (patterns: readonly string[], type: string) => patterns.some((p) => typeMatches(type, p));

export function pickerOptions(allowedTypes: readonly string[]): PickerOptions {
  const mediaTypes = (['image', 'video'] as const).filter((kind) => SAMPLE[kind].some((type) => admits(allowedTypes, type)));
  const known = Object.entries(TYPE_BY_EXTENSION);
  const allowedKnown = known.filter(([, type]) => admits(allowedTypes, type));
  const anything = admits(allowedTypes, 'application/x-unlisted-kind');
  if (anything) return { mediaTypes, chatType: 'all' };
  const onlyKind = (kind: MediaType) => allowedKnown.length > 0 && allowedKnown.every(([, type]) => type.startsWith(`${kind}/`));
  if (onlyKind('image')) return { mediaTypes, chatType: 'image' };
  if (onlyKind('video')) return { mediaTypes, chatType: 'video' };
  // WeChat's 'file' is "可以选择除了图片和视频之外的其它的文件": photos and videos with anything
  // else can only be offered by 'all' (what the signer refuses is then named before anything is sent).
  if (mediaTypes.length > 0) return { mediaTypes, chatType: 'all' };
  // Documents only: a file picker filtered to the allowed extensions.
  return { mediaTypes, chatType: 'file', extensions: allowedKnown.map(([ext]) => ext) };
}
