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

class Autosave {
  constructor(form, countdown) {
    this.form = form;
    this.url = form.dataset.autosaveUrl;
    this.token = form.dataset.saveToken || "";
    this.seqInput = form.querySelector("#answer-seq");
    this.status = form.querySelector("#save-status");
    this.countdown = countdown;
    this.pending = null; // FormData waiting to be sent
    this.inFlight = null;
    this.retryDelay = 1000;
    form.addEventListener("change", (event) => {
      if (event.target.name === "answer" || event.target.name.startsWith("position-")) this.queue();
    });
    window.addEventListener("online", () => this.flush());
  }

  queue() {
    // Each change gets the next sequence number, so an older save never overwrites a newer one.
    this.seqInput.value = String(parseInt(this.seqInput.value, 10) + 1);
    this.pending = new URLSearchParams(new FormData(this.form));
    this.say("Saving your answer…");
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), 300);
  }

  async flush() {
    if (!this.pending || this.inFlight) return this.inFlight;
    const body = this.pending;
    this.pending = null;
    this.inFlight = (async () => {
      try {
        const response = await fetch(this.url, {
          method: "POST",
          body,
          credentials: "omit", // the save token in the header is the credential, not the cookie
          headers: { Accept: "application/json", "X-Save-Token": this.token },
        });
        const data = await response.json();
        if (this.countdown && typeof data.remaining_seconds === "number") this.countdown.sync(data.remaining_seconds);
        if (data.status === "signed-out") {
          // Retrying cannot help: say so, and leave "Save and continue" (which signs in first).
          this.say(data.message);
          return;
        }
        if (data.status === "closed") {
          this.say(data.message);
          if (data.result_url) window.location.assign(data.result_url);
          return;
        }
        if (data.status === "saved" || data.status === "stale") {
          this.retryDelay = 1000;
          if (!this.pending) this.say(`Saved at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`);
        } else if (data.message) {
          this.say(`Not saved: ${data.message}`);
        }
      } catch (error) {
        // Network trouble: keep the answer and try again, and say so.
        if (!this.pending) this.pending = body;
        this.say("Your answer is not saved yet. Check your connection: we will keep trying.");
        setTimeout(() => this.flush(), this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, 15000);
      } finally {
        this.inFlight = null;
      }
      if (this.pending) return this.flush();
    })();
    return this.inFlight;
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
  window.quizapp = { countdown, autosave };
}

init();
