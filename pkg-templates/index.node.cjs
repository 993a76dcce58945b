// Node CommonJS entry: the nodejs build loads its .wasm synchronously; core.cjs is core.js as CommonJS.
"use strict";
const { createApi } = require("./core.cjs");

module.exports = createApi(require("./node/task_profiles.js"));
