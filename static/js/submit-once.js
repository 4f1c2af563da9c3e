// A form is sent once: every POST form gets a hidden one-time `submit_token`, new for each page shown, and its
// buttons are disabled once it is sent, so a double click sends it once. The server keeps each token and
// handles a second post with it as a duplicate (skillbridge/submit_once.py): this script is the courtesy,
// that is the guarantee. Forms driven by htmx (hx-post and friends) save themselves repeatedly by design
// and are left alone.
(function () {
  "use strict";

  var FIELD = "submit_token";
  var POST_FORMS = 'form[method="post" i]';
  var HTMX_ATTRIBUTES = ["hx-post", "hx-put", "hx-patch", "hx-delete", "hx-get"];
  // A form whose page did not change this long after it was sent (the user stopped the page, a download)
  // can be sent again; the server still answers a repeat of a saved form with where the first one went.
  var RELEASE_AFTER_MS = 10000;

  function newToken() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && typeof window.crypto.getRandomValues === "function") {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function isGuarded(form) {
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") {
      return false;
    }
    if (form.hasAttribute("data-autosave")) {
      return false; // saves itself again and again (autosave.js), like the htmx forms
    }
    return !HTMX_ATTRIBUTES.some(function (name) {
      return form.hasAttribute(name) || form.hasAttribute("data-" + name);
    });
  }

  function giveToken(form, fresh) {
    if (!isGuarded(form)) {
      return;
    }
    var input = form.querySelector('input[name="' + FIELD + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    if (fresh || !input.value) {
      input.value = newToken();
    }
  }

  function giveTokens(root, fresh) {
    if (root instanceof HTMLFormElement) {
      giveToken(root, fresh);
      return;
    }
    if (root && root.querySelectorAll) {
      root.querySelectorAll(POST_FORMS).forEach(function (form) {
        giveToken(form, fresh);
      });
    }
  }

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit" || element.type === "image";
    });
  }

  function disable(form) {
    form.setAttribute("aria-busy", "true");
    submitButtons(form).forEach(function (button) {
      if (!button.disabled) {
        button.disabled = true;
        button.setAttribute("data-submit-once-disabled", "");
      }
    });
  }

  function release(form) {
    window.clearTimeout(form.submitOnceTimer);
    delete form.dataset.submitOnceSent;
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (button) {
      if (button.hasAttribute("data-submit-once-disabled")) {
        button.disabled = false;
        button.removeAttribute("data-submit-once-disabled");
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || !isGuarded(form)) {
      return;
    }
    if (form.dataset.submitOnceSent) {
      event.preventDefault(); // the second click of a double click
      return;
    }
    giveToken(form, false); // a form added to the page after it loaded
    form.dataset.submitOnceSent = "true";
    // Disabled after this event, not in it: the browser leaves a disabled button (and the name and value
    // of the button that was clicked) out of what it sends.
    window.setTimeout(function () {
      disable(form);
    }, 0);
    form.submitOnceTimer = window.setTimeout(function () {
      release(form);
    }, RELEASE_AFTER_MS);
  });

  // Back to a page kept in the browser's memory (bfcache): its forms may be used again, as new forms.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll(POST_FORMS).forEach(function (form) {
      release(form);
      giveToken(form, true);
    });
  });

  // Content htmx swaps in (a panel loaded after the page) gets tokens too.
  document.addEventListener("htmx:load", function (event) {
    giveTokens((event.detail && event.detail.elt) || event.target, false);
  });

  giveTokens(document, false);
})();
