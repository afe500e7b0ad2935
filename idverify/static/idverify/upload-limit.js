// A file over the limit is refused here, beside its field, before anything is sent:
// the rest of the form stays as it is. The server checks the same limit (this only
// saves the wait and the lost answers). Fields opt in with data-max-bytes.
(function () {
  "use strict";

  function megabytes(bytes) {
    return (bytes / 1048576).toFixed(1);
  }

  function problem(input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
    var file = input.files && input.files[0];
    if (!file || !limit || file.size <= limit) { return ""; }
    return "The file is " + megabytes(file.size) + " MB; at most " + Math.round(limit / 1048576) +
      " MB is accepted. Choose a smaller file, or scan at a lower resolution.";
  }

  function show(input, message) {
    var id = input.id + "_size_error";
    var shown = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (d) {
      return d && d !== id;
    });
    if (!message) {
      if (shown) { shown.remove(); }
      input.removeAttribute("aria-invalid");
    } else {
      if (!shown) {
        shown = document.createElement("p");
        shown.id = id;
        shown.className = "field-error";
        shown.setAttribute("role", "alert");
        input.parentNode.insertBefore(shown, input);
      }
      shown.textContent = "Error: " + message;
      input.setAttribute("aria-invalid", "true");
      described.push(id);
    }
    if (described.length) {
      input.setAttribute("aria-describedby", described.join(" "));
    } else {
      input.removeAttribute("aria-describedby");
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
    input.addEventListener("change", function () { show(input, problem(input)); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        var message = problem(input);
        show(input, message);
        if (message) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });
})();
