// Validates rendered Kubernetes objects (a JSON array in the file named by the first argument) against the
// OpenAPI schemas embedded in kubernetes-models: types, enums, formats and required fields. Prints one line per
// object and exits 1 if any object fails, or if an apiVersion has no schema here (a typo must not pass unchecked).

import { readFileSync } from "node:fs";

// Custom resource groups and the packages holding their schemas; built-in groups come from kubernetes-models.
const CUSTOM_GROUPS = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
};

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const pkg = CUSTOM_GROUPS[group] ?? "kubernetes-models";
  let module;
  try {
    module = await import(`${pkg}/${apiVersion}`);
  } catch (e) {
    throw new Error(`no schema for apiVersion ${apiVersion} (${pkg}/${apiVersion}): ${e.message}`);
  }
  const model = module[kind];
  if (typeof model !== "function") {
    throw new Error(`no kind ${kind} in apiVersion ${apiVersion}`);
  }
  return model;
}

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
for (const object of objects) {
  const name = `${object.apiVersion}/${object.kind} ${object.metadata?.name}`;
  try {
    const Model = await modelFor(object.apiVersion, object.kind);
    new Model(object).validate();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.message}`);
  }
}
console.log(`${objects.length - failures} of ${objects.length} objects valid`);
process.exit(failures === 0 ? 0 : 1);
