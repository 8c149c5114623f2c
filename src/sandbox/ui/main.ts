// The sandbox page's entry point (bundled by `npm run build:page` into dist/sandbox-ui/).
document.body.dataset.sandbox = 'starting';
