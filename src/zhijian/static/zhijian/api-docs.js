// The API docs page (/api/v1/docs): Swagger UI from the vendored bundle, configured by the
// JSON block the server renders (no inline script, so the Content-Security-Policy holds here too).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.swaggerUi = SwaggerUIBundle(config);
})();
