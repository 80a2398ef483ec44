'use strict';
// Progressive enhancement only: every page works without this file.
document.addEventListener('submit', function (event) {
  var submitter = event.submitter;
  var message = submitter && submitter.getAttribute('data-confirm');
  if (message && !window.confirm(message)) event.preventDefault();
});

// Put focus on the form error summary so screen readers announce it.
var formError = document.getElementById('form-error');
if (formError) formError.focus();
