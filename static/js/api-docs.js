// Starts Swagger UI on the API schema; a file of its own so the page needs no inline script.
(function () {
  const node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    // No deep links: Swagger UI puts them inside each operation's button (nested controls).
    deepLinking: false,
    persistAuthorization: true,
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = node.dataset.csrfToken;
      return request;
    },
  });
})();
