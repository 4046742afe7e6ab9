// risicobeeld: the only script. Pages work without it; it adds the print button's action.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("afdrukken");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
});
