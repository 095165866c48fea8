module.exports = require("cdktn/lib/testing/adapters/jest");
