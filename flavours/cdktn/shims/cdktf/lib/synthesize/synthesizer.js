module.exports = require("cdktn/lib/synthesize/synthesizer");
