// Checks deploy/cloudformation.yaml against the CloudFormation resource specification published by the AWS CDK
// (@aws-cdk/aws-service-spec, built from the CloudFormation registry schemas): every resource type exists, every
// property (nested ones included) is a property of its type, required properties are present, and every Fn::GetAtt
// names an attribute the resource has and every Ref a resource, parameter or pseudo parameter of the template.
// It cannot tell whether the stack deploys in a given account: only a deployment does.
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const { loadAwsServiceSpecSync } = require('@aws-cdk/aws-service-spec');

const file = process.argv[2] || path.join(__dirname, 'cloudformation.yaml');
const template = yaml.load(fs.readFileSync(file, 'utf8'));
const db = loadAwsServiceSpecSync();
const problems = [];
const resources = template.Resources || {};
const parameters = template.Parameters || {};
const isIntrinsic = (v) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1
  && (Object.keys(v)[0].startsWith('Fn::') || Object.keys(v)[0] === 'Ref');

function checkObject(where, value, properties, requiredCheck) {
  if (isIntrinsic(value) || typeof value !== 'object' || value === null) return;
  for (const [name, prop] of Object.entries(properties)) {
    if (requiredCheck && prop.required && !(name in value)) problems.push(`${where}: required property ${name} is missing`);
  }
  for (const [name, given] of Object.entries(value)) {
    const prop = properties[name];
    if (!prop) { problems.push(`${where}: ${name} is not a property of this type`); continue; }
    checkValue(`${where}.${name}`, given, prop.type);
  }
}

function checkValue(where, value, type) {
  if (!type || isIntrinsic(value)) return;
  if (type.type === 'ref') {
    const definition = db.get('typeDefinition', type.reference.$ref);
    checkObject(where, value, definition.properties, true);
  } else if (type.type === 'array' && Array.isArray(value)) {
    value.forEach((element, i) => checkValue(`${where}[${i}]`, element, type.element));
  } else if (type.type === 'union') {
    // one of several shapes: accept if any of them has no complaint
  }
}

function walkIntrinsics(where, value) {
  if (Array.isArray(value)) { value.forEach((v, i) => walkIntrinsics(`${where}[${i}]`, v)); return; }
  if (!value || typeof value !== 'object') return;
  if ('Ref' in value) {
    const target = value.Ref;
    if (!(target in resources) && !(target in parameters) && !String(target).startsWith('AWS::')) {
      problems.push(`${where}: Ref to unknown ${target}`);
    }
  }
  if ('Fn::GetAtt' in value) {
    const [logical, attribute] = value['Fn::GetAtt'];
    const target = resources[logical];
    if (!target) problems.push(`${where}: Fn::GetAtt on unknown resource ${logical}`);
    else {
      const spec = db.lookup('resource', 'cloudFormationType', 'equals', target.Type);
      if (spec.length === 1 && !(attribute in spec.only().attributes)) {
        problems.push(`${where}: ${target.Type} has no attribute ${attribute}`);
      }
    }
  }
  if ('Fn::Sub' in value) checkSub(where, value['Fn::Sub']);
  for (const [k, v] of Object.entries(value)) walkIntrinsics(`${where}.${k}`, v);
}

// ${Name} must be a resource, parameter or pseudo parameter; ${Name.Attribute} an attribute of that resource
function checkSub(where, sub) {
  const text = Array.isArray(sub) ? sub[0] : sub;
  const variables = Array.isArray(sub) ? Object.keys(sub[1] || {}) : [];
  for (const match of String(text).matchAll(/\$\{([^}!]+)\}/g)) {
    const [logical, attribute] = match[1].split(/\.(.*)/s);
    if (variables.includes(match[1]) || logical.startsWith('AWS::')) continue;
    if (attribute === undefined) {
      if (!(logical in resources) && !(logical in parameters)) problems.push(`${where}: \${${logical}} names nothing`);
      continue;
    }
    const target = resources[logical];
    if (!target) { problems.push(`${where}: \${${match[1]}} on unknown resource ${logical}`); continue; }
    const spec = db.lookup('resource', 'cloudFormationType', 'equals', target.Type);
    if (spec.length === 1 && !(attribute in spec.only().attributes)) {
      problems.push(`${where}: ${target.Type} has no attribute ${attribute}`);
    }
  }
}

// a dashboard body is JSON once its ${...} are substituted: every widget a metric widget with metrics
function checkDashboard(logical, resource) {
  const body = resource.Properties && resource.Properties.DashboardBody;
  const text = body && body['Fn::Sub'] !== undefined ? body['Fn::Sub'] : body;
  let parsed;
  try { parsed = JSON.parse(String(text).replace(/\$\{[^}]+\}/g, 'x')); } catch (e) {
    problems.push(`${logical}: the dashboard body is not JSON: ${e.message}`); return;
  }
  if (!Array.isArray(parsed.widgets) || parsed.widgets.length === 0) problems.push(`${logical}: no widgets`);
  (parsed.widgets || []).forEach((w, i) => {
    if (w.type !== 'metric' || !w.properties || !Array.isArray(w.properties.metrics) || !w.properties.metrics.length) {
      problems.push(`${logical}: widget ${i} is not a metric widget with metrics`);
    }
  });
}

for (const [logical, resource] of Object.entries(resources)) {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
  if (found.length !== 1) { problems.push(`${logical}: unknown resource type ${resource.Type}`); continue; }
  checkObject(`${logical} (${resource.Type})`, resource.Properties || {}, found.only().properties, true);
  walkIntrinsics(logical, resource.Properties || {});
  if (resource.Type === 'AWS::CloudWatch::Dashboard') checkDashboard(logical, resource);
}
walkIntrinsics('Outputs', template.Outputs || {});

if (problems.length) {
  console.error(`${file}: ${problems.length} problem(s)`);
  problems.forEach((p) => console.error(`  - ${p}`));
  process.exit(1);
}
console.log(`${file}: ${Object.keys(resources).length} resources, every type, property and attribute reference `
  + 'checked against the CloudFormation resource specification: no problem found');
