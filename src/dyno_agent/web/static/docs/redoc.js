// Starts ReDoc on /redoc. An external script because the page's CSP allows no inline script;
// the OpenAPI URL and this response's style nonce (ReDoc's styles are <style> elements, which the
// CSP admits only with it) come from the container's data attributes.
const container = document.getElementById("redoc");
Redoc.init(container.dataset.openapiUrl, { nonce: container.dataset.nonce }, container);
