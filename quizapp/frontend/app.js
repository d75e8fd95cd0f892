// quizapp's own script: the countdown and answer autosave on test pages.
// Everything here is a convenience: the pages work without it, and the server decides
// deadlines and scores. The countdown runs from the server's remaining time (never the
// browser's clock) and re-syncs on every save.

const WARNING_TEXT = {
  10: "10 minutes left.",
  5: "5 minutes left.",
  1: "1 minute left. Your saved answers will be submitted when time runs out.",
};

function formatRemaining(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const mins = Math.floor(s / 60);
  const secs = s % 60;
  if (mins >= 10) return `${mins} minutes`;
  if (mins >= 1) return `${mins} minute${mins === 1 ? "" : "s"} ${secs} second${secs === 1 ? "" : "s"}`;
  return `${secs} second${secs === 1 ? "" : "s"}`;
}

class Countdown {
  constructor(root) {
    this.root = root;
    this.value = root.querySelector(".app-timer__value");
    this.display = root.querySelector("#app-timer-display");
    this.polite = root.querySelector("#app-timer-announcement");
    this.assertive = root.querySelector("#app-timer-alert");
    this.toggle = root.querySelector("#app-timer-toggle");
    this.warnings = (root.dataset.warningMinutes || "10,5,1").split(",").map(Number);
    this.announced = new Set();
    this.onExpire = [];
    this.sync(parseFloat(root.dataset.remainingSeconds));
    // Warnings already passed when the page loads are not announced again.
    for (const m of this.warnings) if (this.remaining() <= m * 60) this.announced.add(m);
    if (this.toggle) {
      this.toggle.hidden = false;
      this.toggle.addEventListener("click", () => this.setHidden(!this.display.hidden));
      if (sessionStorage.getItem("quizapp-timer-hidden") === "1") this.setHidden(true);
    }
    // Keep what is focused or scrolled to clear of the sticky timer (WCAG 2.2 SC 2.4.11).
    const clearOfTimer = () => {
      document.documentElement.style.scrollPaddingTop = `${root.offsetHeight + 15}px`;
    };
    clearOfTimer();
    if ("ResizeObserver" in window) new ResizeObserver(clearOfTimer).observe(root);
    this.tick();
    this.timer = setInterval(() => this.tick(), 250);
  }

  sync(remainingSeconds) {
    if (Number.isNaN(remainingSeconds)) return;
    this.endsAt = performance.now() + remainingSeconds * 1000;
  }

  remaining() {
    return Math.max(0, (this.endsAt - performance.now()) / 1000);
  }

  setHidden(hidden) {
    this.display.hidden = hidden;
    this.toggle.textContent = hidden ? "Show timer" : "Hide timer";
    this.toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
    sessionStorage.setItem("quizapp-timer-hidden", hidden ? "1" : "0");
  }

  tick() {
    const left = this.remaining();
    this.value.textContent = formatRemaining(left);
    // Shown from the first warning point on, on every page: not only on the page that was
    // open when the warning was announced.
    this.root.classList.toggle("app-timer--warning", left <= Math.max(...this.warnings) * 60);
    for (const m of this.warnings) {
      if (left <= m * 60 && !this.announced.has(m)) {
        this.announced.add(m);
        // Announced whether or not the timer is hidden.
        (m <= 1 ? this.assertive : this.polite).textContent = WARNING_TEXT[m] || `${m} minutes left.`;
      }
    }
    if (left <= 0 && !this.expired) {
      this.expired = true;
      clearInterval(this.timer);
      this.onExpire.forEach((fn) => fn());
    }
  }
}

// The autosave's timings: a short pause after a change (a burst of clicks is one save), and
// after a failed request an exponential back-off with jitter, capped (see Autosave.backOff).
const SAVE_PAUSE_MS = 300;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
const REQUEST_TIMEOUT_MS = 20000;
const NOT_SAVED_TEXT =
  "Your answer to this question is not saved yet: check your connection. We will keep trying, and say here when it is saved.";

const CHANGED_IN_ANOTHER_TAB_TEXT =
  "Your answer to this question was changed in another window or tab. This page now shows the saved answer.";

// A form body's fields as {name: [values]} (the shape Autosave.show takes).
function fieldsOf(body) {
  const fields = {};
  for (const name of body.keys()) fields[name] = body.getAll(name);
  return fields;
}

// Saves the answer as soon as it changes, one request at a time, each change with a higher
// sequence number (the server keeps the highest, so a late save never overwrites a newer one).
// The status line says only what the server said: "Saved at" is the server's time; a save the
// server refused shows what it holds instead. A choice this tab sent but never heard was saved
// is kept in sessionStorage and sent again after a reload (or signing in again).
class Autosave {
  constructor(form, countdown) {
    this.form = form;
    this.url = form.dataset.autosaveUrl;
    this.token = form.dataset.saveToken || "";
    this.seqInput = form.querySelector("#answer-seq");
    this.status = form.querySelector("#save-status");
    this.countdown = countdown;
    this.storageKey = `quizapp-unsaved:${this.url}`;
    this.pending = null; // the newest answer not yet sent (URLSearchParams)
    this.inFlight = null; // the one request in flight (a promise)
    this.failures = 0; // failed requests in a row: the back-off grows with them
    this.retryTimer = null;
    this.closed = false; // the attempt has ended: nothing more is sent
    form.addEventListener("change", (event) => {
      if (event.target.name === "answer" || event.target.name.startsWith("position-")) this.queue();
    });
    // Back online, or the candidate looks at the page again: try at once, not at the next retry.
    window.addEventListener("online", () => {
      this.failures = 0;
      this.flush();
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.flush();
    });
    // Other tabs of this browser on the same question hear of each save and show it.
    if ("BroadcastChannel" in window) {
      this.channel = new BroadcastChannel("quizapp-saved-answers");
      this.channel.onmessage = (event) => this.savedElsewhere(event.data);
    }
    this.restore();
  }

  seq() {
    return parseInt(this.seqInput.value, 10) || 0;
  }

  queue() {
    this.seqInput.value = String(this.seq() + 1);
    this.pending = new URLSearchParams(new FormData(this.form));
    this.keep(this.pending);
    this.say("Saving your answer…");
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), SAVE_PAUSE_MS);
  }

  // Sends the pending answer unless a request is in flight (its end sends the next one).
  flush() {
    clearTimeout(this.debounce);
    if (!this.pending || this.inFlight || this.closed) return this.inFlight;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const body = this.pending;
    this.pending = null;
    this.inFlight = this.send(body).finally(() => {
      this.inFlight = null;
      // A change made meanwhile goes now, unless this request failed: then the retry timer sends it.
      if (this.pending && !this.retryTimer) this.flush();
    });
    return this.inFlight;
  }

  async send(body) {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    let data = null;
    try {
      const response = await fetch(this.url, {
        method: "POST",
        body,
        credentials: "omit", // the save token in the header is the credential, not the cookie
        headers: { Accept: "application/json", "X-Save-Token": this.token },
        signal: abort.signal,
      });
      data = await response.json();
    } catch (error) {
      // no network, a timeout, or an answer that is not ours (a proxy's error page): retry below
    } finally {
      clearTimeout(timeout);
    }
    if (!data || typeof data.status !== "string") {
      if (!this.pending) this.pending = body; // a newer change, if any, replaces this one
      this.failures += 1;
      this.say(NOT_SAVED_TEXT);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.flush();
      }, this.backOff());
      return;
    }
    this.failures = 0;
    this.answered(data, body);
  }

  // 1 s, 2 s, 4 s... up to 30 s after each failure in a row, each a random time between half of
  // that and all of it: pages that lost the network together (a venue's Wi-Fi) spread out.
  backOff() {
    const ceiling = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  answered(data, body) {
    if (this.countdown && typeof data.remaining_seconds === "number") this.countdown.sync(data.remaining_seconds);
    if (data.status === "signed-out") {
      // Retrying cannot help: say so, and keep the choice for when the candidate signs in again
      // ("Save and continue" asks them to).
      this.say(data.message);
      return;
    }
    this.forget(body);
    if (data.status === "saved") {
      // An incomplete choice ("Select 3 answers", 1 ticked) is kept, but is not an answer yet: say both.
      const text = data.saved_at_text || "Saved";
      if (!this.pending) this.say(data.complete === false && data.message ? `${data.message} Your choice so far is kept: ${text.toLowerCase()}.` : text);
      if (this.channel) {
        this.channel.postMessage({ url: this.url, seq: Number(body.get("seq")), fields: fieldsOf(body), text: data.saved_at_text });
      }
    } else if (data.status === "stale") {
      // The question holds a newer answer (another tab's, or this one's, saved before its answer
      // was lost). The next change here must outrank it; a different answer is shown, and said.
      this.seqInput.value = String(Math.max(this.seq(), data.seq || 0));
      if (data.changed) {
        this.pending = null;
        this.forget();
        this.show(data.answer || {});
        this.say(data.message);
      } else if (!this.pending) {
        this.say(data.saved_at_text || "Saved");
      }
    } else if (data.status === "closed") {
      this.closed = true;
      this.say(data.message);
      if (data.result_url) window.location.assign(data.result_url);
    } else if (data.message) {
      this.say(`Not saved: ${data.message}`);
    }
  }

  // Another tab saved an answer to this question. Unless this page has a change of its own on
  // the way (the server will rule on it), show the saved answer and outrank it next time.
  savedElsewhere(saved) {
    if (!saved || saved.url !== this.url || this.pending || this.inFlight) return;
    this.seqInput.value = String(Math.max(this.seq(), saved.seq));
    this.forget();
    this.show(saved.fields);
    this.say(`${CHANGED_IN_ANOTHER_TAB_TEXT} ${saved.text || ""}`.trim());
  }

  // Shows an answer given as form fields ({answer: ["1"]} or {"position-0": ["2"], ...}).
  show(fields) {
    for (const input of this.form.elements) {
      if (input.name === "answer") input.checked = (fields.answer || []).includes(input.value);
      else if (input.name.startsWith("position-")) input.value = (fields[input.name] || [""])[0];
    }
  }

  // sessionStorage (this tab only) keeps the newest answer sent or waiting, until the server
  // answers it. Storage may be refused (private modes): then nothing is kept.
  keep(body) {
    try {
      sessionStorage.setItem(this.storageKey, JSON.stringify({ seq: Number(body.get("seq")), body: body.toString() }));
    } catch (error) {
      /* nothing kept */
    }
  }

  kept() {
    try {
      return JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
    } catch (error) {
      return null;
    }
  }

  forget(body) {
    const kept = this.kept();
    if (kept && (!body || kept.seq <= Number(body.get("seq")))) sessionStorage.removeItem(this.storageKey);
  }

  // On load: a kept answer at least as new as the page's own (which the server rendered from
  // what it holds) never reached the server, or its answer never came back. Show it and send it
  // again, with the same sequence number, so a copy that did arrive is not saved twice.
  restore() {
    const kept = this.kept();
    if (!kept) return;
    if (!(kept.seq >= this.seq())) {
      this.forget();
      return;
    }
    const body = new URLSearchParams(kept.body);
    this.show(fieldsOf(body));
    this.seqInput.value = String(kept.seq);
    this.pending = body;
    this.say("Saving your answer…");
    this.flush();
  }

  say(text) {
    if (this.status) this.status.textContent = text;
  }
}

function init() {
  const timerRoot = document.getElementById("app-timer");
  const countdown = timerRoot ? new Countdown(timerRoot) : null;
  const form = document.getElementById("answer-form");
  const autosave = form && form.dataset.autosaveUrl ? new Autosave(form, countdown) : null;
  if (countdown) {
    countdown.onExpire.push(async () => {
      if (autosave) {
        try {
          await autosave.flush();
        } catch (e) {
          /* the server keeps what it received before the deadline */
        }
      }
      const timeout = document.getElementById("app-timeout-form");
      if (timeout) timeout.submit();
    });
  }
  // A question page that Back or Forward brings back from the browser's memory may show an
  // answer changed since (on another visit to the question): load it again from the server.
  if (form) window.addEventListener("pageshow", (event) => event.persisted && window.location.reload());
  window.quizapp = { countdown, autosave };
}

init();
