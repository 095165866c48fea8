module.exports = require("cdktn");
