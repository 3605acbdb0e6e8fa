#!/usr/bin/env node
// Validate a Microsoft Teams Workflows message holding an Adaptive Card, offline.
//
// Usage: node validate-adaptive-card.js FILE.json
//
// The envelope is checked by hand (type "message", one attachment of contentType
// application/vnd.microsoft.card.adaptive, contentUrl null, content an AdaptiveCard of a
// version Teams renders); the card itself by Microsoft's own parser, the npm package
// adaptivecards (install with `npm ci --prefix tests/tools`): every event of AdaptiveCard.parse
// in strict mode (unknown elements, invalid property values, ...) and of validateProperties()
// (required properties missing, ...) is a failure. Properties the parser does not know are
// failures too, so a misspelt property cannot pass unnoticed. Exit 0: valid; 1: findings on
// stderr; 2: usage or setup error.
"use strict";

const fs = require("fs");
const path = require("path");

let AC;
try {
  AC = require(path.join(__dirname, "node_modules/adaptivecards/dist/adaptivecards.js"));
} catch (e) {
  console.error("validate-adaptive-card: the npm package adaptivecards is missing; run: npm ci --prefix tests/tools");
  process.exit(2);
}

const file = process.argv[2];
if (!file) {
  console.error("usage: validate-adaptive-card.js FILE.json");
  process.exit(2);
}
let message;
try {
  message = JSON.parse(fs.readFileSync(file, "utf8"));
} catch (e) {
  console.error(`not JSON: ${e.message}`);
  process.exit(1);
}

const findings = [];
const fail = (m) => findings.push(m);

if (message.type !== "message") fail(`type must be "message", not ${JSON.stringify(message.type)}`);
const attachments = message.attachments;
if (!Array.isArray(attachments) || attachments.length !== 1) {
  fail("attachments must hold exactly one attachment");
}
const attachment = (attachments || [])[0] || {};
if (attachment.contentType !== "application/vnd.microsoft.card.adaptive") {
  fail(`attachments[0].contentType must be application/vnd.microsoft.card.adaptive, not ${JSON.stringify(attachment.contentType)}`);
}
if (!("contentUrl" in attachment) || attachment.contentUrl !== null) fail("attachments[0].contentUrl must be null");
const content = attachment.content;
if (!content || content.type !== "AdaptiveCard") fail("attachments[0].content must be an AdaptiveCard");
if (content && !["1.0", "1.1", "1.2", "1.3", "1.4", "1.5"].includes(content.version)) {
  fail(`version ${JSON.stringify(content && content.version)} is not one Teams renders (1.0 to 1.5)`);
}
const size = Buffer.byteLength(JSON.stringify(message));
if (size > 28000) fail(`the message is ${size} bytes; Teams takes about 28 KB`);

if (content && content.type === "AdaptiveCard") {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(content, context);
  for (let i = 0; i < context.eventCount; i++) {
    const ev = context.getEventAt(i);
    fail(`parse: ${ev.message}`);
  }
  const results = card.validateProperties();
  for (const ev of results.validationEvents) fail(`validate: ${ev.message}`);

  // Round trip: whatever the parser dropped or changed was not understood.
  const back = card.toJSON();
  const unknown = (orig, parsed, where) => {
    if (Array.isArray(orig)) {
      orig.forEach((o, i) => unknown(o, (parsed || [])[i], `${where}[${i}]`));
      return;
    }
    if (orig === null || typeof orig !== "object") return;
    for (const key of Object.keys(orig)) {
      if (["$schema", "msteams"].includes(key) && where === "content") continue;
      if (parsed === undefined || parsed === null || !(key in parsed)) {
        // A property set to its default value is left out by toJSON: compare with a default
        // element of the same type before calling it unknown.
        if (!isDefault(orig, key)) fail(`${where}.${key}: not a property the parser knows`);
        continue;
      }
      unknown(orig[key], parsed[key], `${where}.${key}`);
    }
  };
  const isDefault = (obj, key) => {
    const defaults = { wrap: false, isSubtle: false, separator: false, spacing: "default", size: "default",
      weight: "default", color: "default", inline: false };
    return key in defaults && String(obj[key]).toLowerCase() === String(defaults[key]).toLowerCase();
  };
  unknown(content, back, "content");
}

if (findings.length) {
  for (const f of findings) console.error(f);
  process.exit(1);
}
