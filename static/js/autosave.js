// The assessment page: each skill's section saves itself as you go, and nothing typed is ever lost.
//
// Why not htmx's own swap: htmx replaced the whole section with the server's copy of it, so whatever was
// typed while the save travelled was overwritten ("Lost th thread…"). Here the fields are never replaced:
//   - each section (form[data-autosave]) keeps a count of edits; a save sends the whole section as it is
//     at the moment it leaves, and only one save per section travels at a time, so the server never gets
//     an older copy after a newer one;
//   - the answer carries only parts without fields (the level line, the section's errors, the sticky bar:
//     elements with [data-part] and an id), which replace the elements with the same id;
//   - a save counts only when the server says so (X-Autosave: saved); a failure says "Not saved", retries
//     with growing pauses, and the page warns before it is left with anything unsaved;
//   - "Submit the assessment" first waits for every section to be saved, so a note typed just before it
//     is in the submitted assessment.
// Also here: rating with the keyboard (1-5, 0) and one skill at a time with next and previous.
(function () {
  "use strict";

  var TEXT_DELAY_MS = 700; // after the last keystroke in a note
  var CHOICE_DELAY_MS = 100; // after a rating, a triage choice, or leaving a note
  var RETRY_MS = [1000, 2000, 4000, 8000, 15000, 30000];
  var KEYS = { 0: "", 1: "0", 2: "1", 3: "2", 4: "3", 5: "4" }; // key → frequency value ("" = not observed)

  var savers = [];

  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  function Saver(form) {
    this.form = form;
    this.edits = 0; // changes made on the page
    this.saved = 0; // changes the server has confirmed
    this.sending = false;
    this.timer = null;
    this.retryTimer = null;
    this.failures = 0;
    this.refused = false; // the server said no (400): resending the same will not help
    this.waiters = [];
    this.state = form.querySelector("[data-save-state]");
  }

  Saver.prototype.isDirty = function () {
    return this.sending || this.saved < this.edits;
  };

  Saver.prototype.show = function (kind, text) {
    if (!this.state) {
      return;
    }
    var classes = {
      saved: "badge text-bg-success",
      saving: "badge text-bg-light border text-body",
      pending: "badge text-bg-light border text-body",
      failed: "badge text-bg-danger",
    };
    this.state.innerHTML = "";
    var badge = document.createElement("span");
    badge.className = classes[kind];
    badge.textContent = text;
    this.state.appendChild(badge);
    this.form.setAttribute("data-save-status", kind);
  };

  Saver.prototype.changed = function (delay) {
    this.edits += 1;
    this.refused = false;
    if (!this.sending) {
      this.show("pending", "Not saved yet");
    }
    this.schedule(delay);
  };

  Saver.prototype.schedule = function (delay) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () {
      self.timer = null;
      self.send();
    }, delay);
  };

  Saver.prototype.settle = function (ok) {
    if (this.isDirty() && ok) {
      return;
    }
    var waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(function (resolve) {
      resolve(ok);
    });
  };

  Saver.prototype.send = function (options) {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = null;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.sending || this.saved >= this.edits) {
      if (!this.isDirty()) {
        this.settle(true);
      }
      return;
    }
    var upTo = this.edits;
    var body = new FormData(this.form);
    this.sending = true;
    this.show("saving", "Saving…");
    fetch(this.form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual", // a redirect means signed out: never follow it to a login page and call that saved
      keepalive: Boolean(options && options.keepalive),
      headers: { "HX-Request": "true", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.text().then(function (text) {
          return { response: response, text: text };
        });
      })
      .then(function (answer) {
        var response = answer.response;
        if (response.ok && response.headers.get("X-Autosave") === "saved") {
          self.saved = Math.max(self.saved, upTo);
          self.failures = 0;
          apply(answer.text);
          return "saved";
        }
        if (response.status === 400) {
          apply(answer.text);
          self.refused = true;
          return "refused";
        }
        if (response.type === "opaqueredirect" || response.status === 403) {
          return "signed-out";
        }
        return "failed";
      })
      .catch(function () {
        return "failed";
      })
      .then(function (outcome) {
        self.sending = false;
        if (outcome === "saved") {
          if (self.saved < self.edits) {
            // Typed while it travelled: send that too, once the typing pauses.
            if (!self.timer) {
              self.schedule(CHOICE_DELAY_MS);
            }
            self.show("pending", "Not saved yet");
          } else {
            self.show("saved", "Saved " + clock());
            self.settle(true);
          }
          return;
        }
        if (outcome === "refused") {
          var problem = self.form.querySelector("[id^='skill-errors-'] .alert");
          self.show("failed", "Not saved: " + (problem ? problem.textContent.trim() : "the server refused it"));
          self.settle(false);
          return;
        }
        self.failures += 1;
        var wait = RETRY_MS[Math.min(self.failures - 1, RETRY_MS.length - 1)];
        var why =
          outcome === "signed-out"
            ? "Not saved: you are signed out. Sign in again in another tab; this page keeps trying"
            : "Not saved: no answer from the server. Trying again in " + Math.round(wait / 1000) + " s";
        self.show("failed", why);
        self.retryTimer = window.setTimeout(function () {
          self.retryTimer = null;
          self.send();
        }, wait);
        self.settle(false);
      });
  };

  // Saved now, or as soon as possible: resolves true once this section is saved, false when a try failed.
  Saver.prototype.flush = function () {
    var self = this;
    if (!this.isDirty()) {
      return Promise.resolve(true);
    }
    if (this.refused) {
      return Promise.resolve(false);
    }
    return new Promise(function (resolve) {
      self.waiters.push(resolve);
      if (!self.sending) {
        self.send();
      }
    });
  };

  function apply(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[data-part][id]").forEach(function (part) {
      var current = document.getElementById(part.id);
      if (current && !current.querySelector("input, textarea, select")) {
        current.replaceWith(part);
      }
    });
    syncTriage();
    updateProgress();
  }

  // A skill below its target shows its three questions. They are never hidden while being answered.
  function syncTriage() {
    savers.forEach(function (saver) {
      var status = saver.form.querySelector("[id^='skill-status-']");
      var triage = saver.form.querySelector("fieldset.triage");
      if (!status || !triage) {
        return;
      }
      var below = status.getAttribute("data-below-target") === "true";
      if (below) {
        triage.hidden = false;
        suggestFrequency(saver);
      } else if (!triage.contains(document.activeElement)) {
        triage.hidden = true;
      }
    });
  }

  // "How often do they happen?" starts from what the manager's own ratings say: the warning sign seen most
  // often (Always → Most days, Often → About weekly, Sometimes → About monthly, Rarely → A few times a
  // year). Only when nothing is chosen yet, and it says it was suggested.
  function suggestFrequency(saver) {
    var form = saver.form;
    if (form.querySelector('input[name="mistake_frequency"]:checked')) {
      return;
    }
    var most = 0;
    form.querySelectorAll("fieldset[data-warning] input:checked").forEach(function (radio) {
      most = Math.max(most, Number(radio.value || 0));
    });
    var choice = most && form.querySelector('input[name="mistake_frequency"][value="' + most + '"]');
    if (!choice) {
      return;
    }
    choice.checked = true;
    var hint = form.querySelector("[data-suggested]");
    if (hint) {
      hint.hidden = false;
    }
    saver.changed(CHOICE_DELAY_MS);
  }

  function saverOf(element) {
    var form = element.closest && element.closest("form[data-autosave]");
    for (var i = 0; i < savers.length; i++) {
      if (savers[i].form === form) {
        return savers[i];
      }
    }
    return null;
  }

  function isText(element) {
    return element.tagName === "TEXTAREA" || (element.tagName === "INPUT" && element.type === "text");
  }

  document.addEventListener("input", function (event) {
    var saver = saverOf(event.target);
    if (saver && isText(event.target)) {
      saver.changed(TEXT_DELAY_MS);
    }
  });

  document.addEventListener("change", function (event) {
    var saver = saverOf(event.target);
    if (!saver) {
      return;
    }
    if (isText(event.target)) {
      saver.schedule(CHOICE_DELAY_MS); // left the note: save what is there without waiting
    } else {
      saver.changed(CHOICE_DELAY_MS);
    }
  });

  // Rating with the keyboard: on a behaviour, 1 Never … 5 Always, 0 Not observed; then the next behaviour.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "radio" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var group = target.closest("fieldset[data-rating]");
    if (!group || !saverOf(target) || !Object.prototype.hasOwnProperty.call(KEYS, event.key)) {
      return;
    }
    var radio = group.querySelector('input[type="radio"][value="' + KEYS[event.key] + '"]');
    if (!radio) {
      return;
    }
    event.preventDefault();
    if (!radio.checked) {
      radio.checked = true;
      radio.dispatchEvent(new Event("input", { bubbles: true }));
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var groups = Array.prototype.slice.call(group.form.querySelectorAll("fieldset[data-rating]"));
    var next = groups[groups.indexOf(group) + 1];
    if (next) {
      (next.querySelector("input:checked") || next.querySelector("input")).focus();
    } else {
      group.form.querySelector("textarea").focus();
    }
  });

  // One skill at a time (the default on a phone), with previous, next and how far along.
  var stepper = document.querySelector("[data-skill-stepper]");
  var stepping = false;
  var current = 0;

  function showStep(index, focus) {
    current = Math.max(0, Math.min(index, savers.length - 1));
    savers.forEach(function (saver, i) {
      saver.form.hidden = stepping && i !== current;
    });
    document.querySelectorAll("[data-category-of]").forEach(function (heading) {
      heading.hidden = stepping;
    });
    if (stepper) {
      stepper.hidden = !stepping;
    }
    document.querySelectorAll('[data-step="previous"]').forEach(function (button) {
      button.disabled = current === 0;
    });
    document.querySelectorAll('[data-step="next"]').forEach(function (button) {
      button.disabled = current === savers.length - 1;
    });
    var bottom = document.querySelector("[data-step-bottom]");
    if (bottom) {
      bottom.hidden = !stepping;
    }
    var one = document.querySelector('[data-step="one"]');
    if (one) {
      one.classList.toggle("d-none", stepping);
    }
    if (focus && stepping && savers[current]) {
      var heading = savers[current].form.querySelector("h3");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    updateProgress();
  }

  function updateProgress() {
    if (!stepper) {
      return;
    }
    var rated = document.querySelectorAll("[id^='skill-status-'][data-rated='true']").length;
    var bar = stepper.querySelector("[data-step-bar]");
    var progress = stepper.querySelector("[data-step-progress]");
    progress.setAttribute("aria-valuenow", String(rated));
    bar.style.width = savers.length ? Math.round((100 * rated) / savers.length) + "%" : "0";
    progress.setAttribute("aria-valuetext", rated + " of " + savers.length + " skills rated");
    var label = stepper.querySelector("[data-step-label]");
    if (label && savers[current]) {
      label.textContent =
        "Skill " + (current + 1) + " of " + savers.length + ": " + savers[current].form.getAttribute("data-skill-name") +
        " · " + rated + " rated";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-step]");
    var link = event.target.closest && event.target.closest("[data-goto-skill]");
    if (button) {
      var step = button.getAttribute("data-step");
      if (step === "previous") {
        showStep(current - 1, true);
      } else if (step === "next") {
        showStep(current + 1, true);
      } else if (step === "all") {
        stepping = false;
        showStep(current, false);
      } else if (step === "one") {
        stepping = true;
        showStep(current, true);
      }
    } else if (link && stepping) {
      var form = document.getElementById("skill-" + link.getAttribute("data-goto-skill"));
      for (var i = 0; i < savers.length; i++) {
        if (savers[i].form === form) {
          event.preventDefault();
          showStep(i, true);
        }
      }
    }
  });

  // Each section's own Save button (for pages without JavaScript) saves at once here.
  document.addEventListener(
    "submit",
    function (event) {
      var saver = saverOf(event.target);
      if (saver) {
        event.preventDefault();
        saver.edits += 1;
        saver.send();
      }
    },
    true
  );

  // Submit the assessment only once every section is saved; otherwise say which one is not.
  var submitForm = document.querySelector("form[data-autosave-submit]");
  if (submitForm) {
    var cleared = false;
    submitForm.addEventListener("submit", function (event) {
      if (cleared) {
        return;
      }
      var dirty = savers.filter(function (saver) {
        return saver.isDirty();
      });
      if (!dirty.length) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      var problem = submitForm.querySelector("[data-submit-problem]");
      var button = event.submitter || submitForm.querySelector("button[type=submit]");
      button.disabled = true;
      problem.classList.add("d-none");
      Promise.all(
        dirty.map(function (saver) {
          return saver.flush();
        })
      ).then(function (results) {
        button.disabled = false;
        if (results.every(Boolean)) {
          cleared = true;
          submitForm.requestSubmit(button);
          cleared = false;
          return;
        }
        var names = dirty
          .filter(function (saver, i) {
            return !results[i];
          })
          .map(function (saver) {
            return saver.form.getAttribute("data-skill-name");
          });
        problem.textContent =
          "Not submitted: the changes to " + names.join(", ") + " are not saved yet. They stay on this page; try again in a moment.";
        problem.classList.remove("d-none");
      });
    });
  }

  window.addEventListener("beforeunload", function (event) {
    var unsaved = savers.some(function (saver) {
      return saver.isDirty();
    });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Leaving for another app on a phone: send what is not saved yet, in a request that outlives the page.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      savers.forEach(function (saver) {
        if (saver.isDirty() && !saver.sending) {
          saver.send({ keepalive: true });
        }
      });
    }
  });

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    savers.push(new Saver(form));
    form.querySelectorAll("[data-autosave-fallback]").forEach(function (button) {
      button.hidden = true;
    });
  });
  document.querySelectorAll(".keys-hint").forEach(function (hint) {
    hint.classList.add("keys-hint-on");
  });
  stepping = savers.length > 1 && window.matchMedia("(max-width: 767.98px)").matches;
  if (stepper && savers.length > 1) {
    var hash = window.location.hash.match(/^#skill-(\d+)$/);
    var start = 0;
    if (hash) {
      savers.forEach(function (saver, i) {
        if (saver.form.id === "skill-" + hash[1]) {
          start = i;
        }
      });
    }
    showStep(start, false);
  }
})();
