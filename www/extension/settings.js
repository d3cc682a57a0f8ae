// Default settings of the extension (chrome.storage.local key "settings"; the constitution is
// stored separately under "constitution"). Imported by the service worker and the options page;
// the content script receives the merged settings from the service worker.
export const DEFAULT_SETTINGS = {
  enabled: true,
  // 'blur': flagged content is blurred under a label with click-to-reveal; 'hide': collapsed
  // to the label alone.
  mode: 'blur',
  checkImages: true,
  // When the engine cannot check something (failed to load, a broken image...): 'show' leaves
  // the page as it is (default: the extension must never break a page), 'hide' covers it.
  onError: 'show',
  // Screen text blocks that appear dynamically on pages without a site rule.
  generic: true,
  // Text blocks shorter than this (characters) are not checked by the generic fallback.
  minChars: 12,
  // A message that stops growing for this long counts as finished (its stream is ended).
  streamIdleMs: 1200,
  // Site rules: the first whose `hosts` contains the page's host name (or a parent domain)
  // applies. `message` selects every chat message; `user` the user's messages among them
  // (checked as prompts; the others as responses to the last user message before them);
  // `streaming` (optional) matches a message while it is still being generated; `images`
  // selects the images to check inside messages.
  sites: [
    { name: 'ChatGPT', hosts: ['chatgpt.com', 'chat.openai.com'],
      message: '[data-message-author-role]', user: '[data-message-author-role="user"]', images: 'img' },
    { name: 'Claude', hosts: ['claude.ai'],
      message: '[data-testid="user-message"], .font-claude-response, .font-claude-message',
      user: '[data-testid="user-message"]', streaming: '[data-is-streaming="true"]', images: 'img' },
    { name: 'Gemini', hosts: ['gemini.google.com'],
      message: 'user-query, model-response', user: 'user-query', images: 'img' },
  ],
};

export function mergeSettings(stored) {
  return { ...DEFAULT_SETTINGS, ...(stored || {}) };
}
