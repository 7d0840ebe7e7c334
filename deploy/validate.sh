#!/usr/bin/env bash
# Checks deploy/cloudformation.yaml as far as a machine without an AWS account can: YAML, resource types,
# properties (nested ones too), required properties and attribute references, against the CloudFormation resource
# specification published on npm by the AWS CDK (@aws-cdk/aws-service-spec). It does not prove that the stack
# deploys: only a deployment to a real account does.
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "needs Node.js and npm"; exit 2; }
TOOLS=$(mktemp -d)
trap 'rm -rf "$TOOLS"' EXIT
npm install --silent --prefix "$TOOLS" @aws-cdk/aws-service-spec@0.1.216 @aws-cdk/service-spec-types@0.0.282 js-yaml@4.1.0
NODE_PATH="$TOOLS/node_modules" node validate-template.cjs cloudformation.yaml
