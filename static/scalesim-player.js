// <scalesim-player src="…player URL…" title="…"> for documentation pages:
// makes a 100% wide iframe of the player and, unless the element has a
// `height` or `aspect-ratio` attribute, sizes it to the player's content
// from the `scalesim:height` messages the player posts to its parent.
// Whatever the element holds (a link to the app) shows until this runs,
// and stays where scripts are not allowed. No dependencies, no storage.
// A classic script (not a module): a doc page loads it from the app's host
// without that host sending CORS headers.
(() => {
const BORDER_PX = 1;
const MIN_PX = 120;
const MAX_PX = 4000;
// A frame sized by a ratio is never shorter than this (a phone's 16:10
// cannot hold the player); the same as the snippets' (embed_snippet.rs).
const RATIO_MIN_PX = 380;

class ScalesimPlayer extends HTMLElement {
  connectedCallback() {
    if (this.frame) return;
    const src = this.getAttribute('src');
    if (!src) return;
    const frame = document.createElement('iframe');
    frame.src = src;
    frame.title = this.getAttribute('title') || 'scalesim player';
    frame.loading = 'lazy';
    frame.style.cssText = `display:block;width:100%;box-sizing:border-box;border:${BORDER_PX}px solid #d5dbe5;border-radius:8px`;
    const height = this.getAttribute('height');
    const ratio = this.getAttribute('aspect-ratio');
    this.auto = !height && !ratio;
    if (ratio) {
      frame.style.aspectRatio = ratio;
      frame.style.minHeight = `${RATIO_MIN_PX}px`;
    }
    else frame.style.height = height || '520px';
    this.onMessage = (event) => {
      const data = event.data;
      if (!this.auto || event.source !== frame.contentWindow || !data || data.type !== 'scalesim:height') return;
      const h = Number(data.height);
      if (Number.isFinite(h)) frame.style.height = `${Math.min(Math.max(h, MIN_PX), MAX_PX) + 2 * BORDER_PX}px`;
    };
    window.addEventListener('message', this.onMessage);
    this.style.display = 'block';
    this.frame = frame;
    this.replaceChildren(frame);
  }

  disconnectedCallback() {
    window.removeEventListener('message', this.onMessage);
  }
}

if (!customElements.get('scalesim-player')) customElements.define('scalesim-player', ScalesimPlayer);
})();
