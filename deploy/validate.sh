#!/usr/bin/env bash
# Checks deploy/cloudformation.yaml as far as a machine without an AWS account can: YAML, CloudFormation
# structure, resource types and properties against the resource specification (cfn-lint from npm). It does not
# prove the stack deploys: only a real account does.
set -euo pipefail
cd "$(dirname "$0")"
command -v npx >/dev/null || { echo "needs Node.js and npm (for cfn-lint)"; exit 2; }
npx --yes cfn-lint@1.9.7 validate cloudformation.yaml
