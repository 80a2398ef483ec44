// The certificate page's print button (no inline scripts: the CSP forbids them).
document.addEventListener('click', function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest('[data-print]')) window.print();
});
