#!/usr/bin/env python3
"""Checks deploy/aws/template.yaml: the resources issue 19 asks for, and an execution role that
grants only the seed's actions (plus PutItem, and kms:Decrypt for a customer key), each scoped
to this stack's own resources. Fails on any wider grant: a "*" or wildcard action, NotAction or
NotResource, a managed *FullAccess (or any managed) policy, a SAM policy template, an unscoped
resource, or an action on a resource of another kind.

  check_template.py TEMPLATE             check the template
  check_template.py TEMPLATE --self-test also check that widened copies of it are refused
"""
import copy
import re
import sys

import yaml


class Tagged:
    """A CloudFormation short-form intrinsic (!Sub, !Ref, !GetAtt, ...)."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __repr__(self):
        return f"{self.tag} {self.value!r}"


class CfnLoader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged("!" + suffix, value)


CfnLoader.add_multi_constructor("!", _tagged)

# The seed's IAM list, and what the program really calls (docs/deploy.md explains each).
ALLOWED = {
    "logs:CreateLogGroup": "log-group",
    "logs:CreateLogStream": "log-stream",
    "logs:PutLogEvents": "log-stream",
    "dynamodb:GetItem": "table",
    "dynamodb:BatchGetItem": "table",
    "dynamodb:Scan": "table",
    "dynamodb:UpdateItem": "table",
    "dynamodb:PutItem": "table",
    "ssm:GetParameter": "parameter",
    "ssm:GetParameters": "parameter",
    "kms:Decrypt": "kms-key",
}


def fail(errors, message):
    errors.append(message)


def as_list(v):
    return v if isinstance(v, list) else [v]


def resource_kind(resource, template):
    """What a statement's Resource entry names: a kind from ALLOWED's values, or None."""
    resources = template.get("Resources", {})
    params = template.get("Parameters", {})
    if isinstance(resource, Tagged):
        if resource.tag == "!GetAtt":
            target = resource.value.split(".")[0] if isinstance(resource.value, str) else resource.value[0]
            rtype = resources.get(target, {}).get("Type")
            return "table" if rtype == "AWS::DynamoDB::Table" else None
        if resource.tag == "!Ref" and resource.value in params:
            return "kms-key" if "kms" in resource.value.lower() else None
        if resource.tag == "!Sub" and isinstance(resource.value, str):
            arn = resource.value
            account = "${AWS::AccountId}"
            if account not in arn or "${AWS::Region}" not in arn:
                return None
            log_group = re.fullmatch(r"arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:/aws/lambda/\$\{AWS::StackName\}-api", arn)
            if log_group:
                return "log-group"
            if re.fullmatch(r"arn:\$\{AWS::Partition\}:logs:\$\{AWS::Region\}:\$\{AWS::AccountId\}:log-group:/aws/lambda/\$\{AWS::StackName\}-api:log-stream:\*", arn):
                return "log-stream"
            if re.fullmatch(r"arn:\$\{AWS::Partition\}:ssm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:parameter/api-key-\*", arn):
                return "parameter"
        return None
    return None  # a literal string ("*", a hand-written ARN): not scoped to this stack


def statements(policy_document):
    stmts = policy_document.get("Statement", [])
    for s in as_list(stmts):
        if isinstance(s, Tagged) and s.tag == "!If":  # [condition, then, else]
            for branch in s.value[1:]:
                if isinstance(branch, dict):
                    yield branch
        elif isinstance(s, dict):
            yield s


def check_role(name, role, template, errors):
    props = role.get("Properties", {})
    for arn in as_list(props.get("ManagedPolicyArns", [])):
        fail(errors, f"{name}: managed policy {arn!r} (grant only the listed actions inline)")
    for policy in as_list(props.get("Policies", [])):
        doc = policy.get("PolicyDocument", {}) if isinstance(policy, dict) else {}
        for s in statements(doc):
            sid = s.get("Sid", "?")
            if s.get("Effect") != "Allow":
                continue
            if "NotAction" in s or "NotResource" in s:
                fail(errors, f"{name}/{sid}: NotAction/NotResource grant everything else")
            actions = as_list(s.get("Action", []))
            resources = as_list(s.get("Resource", []))
            if not resources:
                fail(errors, f"{name}/{sid}: no Resource")
            kinds = [resource_kind(r, template) for r in resources]
            for r, k in zip(resources, kinds):
                if k is None:
                    fail(errors, f"{name}/{sid}: resource {r!r} is not scoped to this stack")
            for a in actions:
                if not isinstance(a, str) or "*" in a or "?" in a:
                    fail(errors, f"{name}/{sid}: wildcard action {a!r}")
                    continue
                if a not in ALLOWED:
                    fail(errors, f"{name}/{sid}: action {a} is not in the seed's list")
                    continue
                for r, k in zip(resources, kinds):
                    if k is not None and k != ALLOWED[a]:
                        fail(errors, f"{name}/{sid}: {a} on a {k} ({r!r})")
                if a == "kms:Decrypt" and "kms:ViaService" not in str(s.get("Condition", {})):
                    fail(errors, f"{name}/{sid}: kms:Decrypt without a kms:ViaService condition")


def check(template):
    errors = []
    resources = template.get("Resources", {})
    roles = {k: v for k, v in resources.items() if v.get("Type") == "AWS::IAM::Role"}
    functions = {k: v for k, v in resources.items() if v.get("Type") == "AWS::Serverless::Function"}
    tables = {k: v for k, v in resources.items() if v.get("Type") == "AWS::DynamoDB::Table"}
    for k, v in resources.items():
        if v.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group"):
            fail(errors, f"{k}: {v['Type']} outside the function's role")
    if len(functions) != 1:
        fail(errors, f"expected one function, found {len(functions)}")
    for name, fn in functions.items():
        p = fn.get("Properties", {})
        if p.get("Runtime") != "provided.al2023":
            fail(errors, f"{name}: Runtime must be provided.al2023")
        if not str(p.get("CodeUri", "")).endswith("cloud-sayings-lambda.zip"):
            fail(errors, f"{name}: CodeUri must be the packaged cloud-sayings-lambda.zip")
        if "Policies" in p:
            fail(errors, f"{name}: SAM Policies (templates or managed) instead of the scoped role")
        role = p.get("Role")
        if not (isinstance(role, Tagged) and role.tag == "!GetAtt" and str(role.value).split(".")[0] in roles):
            fail(errors, f"{name}: Role must be this template's role")
    if not roles:
        fail(errors, "no IAM role")
    for name, role in roles.items():
        check_role(name, role, template, errors)
    if len(tables) < 2:
        fail(errors, "expected the sayings and feedback tables")
    for name, t in tables.items():
        p = t.get("Properties", {})
        if p.get("BillingMode") != "PAY_PER_REQUEST":
            fail(errors, f"{name}: BillingMode must be PAY_PER_REQUEST")
        if p.get("SSESpecification", {}).get("SSEEnabled") is not True:
            fail(errors, f"{name}: encryption at rest (SSESpecification.SSEEnabled)")
        if p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is not True:
            fail(errors, f"{name}: point-in-time recovery")
    # Every table reaches the program (an environment variable naming it) and the role.
    env = {}
    for fn in functions.values():
        env.update(fn.get("Properties", {}).get("Environment", {}).get("Variables", {}))
    passed = {v.value for v in env.values() if isinstance(v, Tagged) and v.tag == "!Ref"}
    granted = set()
    for role in roles.values():
        for policy in role.get("Properties", {}).get("Policies", []):
            for stmt in as_list(policy.get("PolicyDocument", {}).get("Statement", [])):
                if isinstance(stmt, dict):
                    for r in as_list(stmt.get("Resource", [])):
                        if isinstance(r, Tagged) and r.tag == "!GetAtt":
                            granted.add(str(r.value).split(".")[0])
    for name in tables:
        if name not in passed:
            fail(errors, f"{name}: no environment variable of the function names it")
        if name not in granted:
            fail(errors, f"{name}: the role grants nothing on it")
    if "ArenaTable" not in tables:
        fail(errors, "expected the arena table (battles and arena votes)")
    elif tables["ArenaTable"].get("Properties", {}).get("TimeToLiveSpecification", {}).get("AttributeName") != "expires_at_s":
        fail(errors, "ArenaTable: TTL on expires_at_s (expired battles are deleted)")
    params = template.get("Parameters", {})
    for needed in ("CorsAllowedOrigins", "ThrottlingRateLimit", "ThrottlingBurstLimit",
                   "ClaudeParameterName", "OpenAiParameterName", "ProvisionedConcurrency"):
        if needed not in params:
            fail(errors, f"parameter {needed} missing")
    for p in ("ClaudeParameterName", "OpenAiParameterName"):
        if not str(params.get(p, {}).get("Default", "")).startswith("api-key-"):
            fail(errors, f"{p}: the default must be under api-key-*")
    return errors


def widened(template):
    """Copies of the template each with one grant too wide; every one must be refused."""
    role_name = next(k for k, v in template["Resources"].items() if v.get("Type") == "AWS::IAM::Role")

    def with_statement(stmt):
        t = copy.deepcopy(template)
        t["Resources"][role_name]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append(stmt)
        return t

    def with_change(fn):
        t = copy.deepcopy(template)
        fn(t)
        return t

    fn_name = next(k for k, v in template["Resources"].items() if v.get("Type") == "AWS::Serverless::Function")
    table = Tagged("!GetAtt", "SayingsTable.Arn")
    yield "action *", with_statement({"Effect": "Allow", "Action": "*", "Resource": table})
    yield "dynamodb:*", with_statement({"Effect": "Allow", "Action": "dynamodb:*", "Resource": table})
    yield "resource *", with_statement({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"})
    yield "other action", with_statement({"Effect": "Allow", "Action": "dynamodb:DeleteTable", "Resource": table})
    yield "s3", with_statement({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    yield "NotAction", with_statement({"Effect": "Allow", "NotAction": "iam:*", "Resource": table})
    yield "ssm on all parameters", with_statement({"Effect": "Allow", "Action": "ssm:GetParameter",
        "Resource": Tagged("!Sub", "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*")})
    yield "logs anywhere", with_statement({"Effect": "Allow", "Action": "logs:PutLogEvents",
        "Resource": Tagged("!Sub", "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*")})
    yield "ssm on a table", with_statement({"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": table})
    yield "kms without condition", with_statement({"Effect": "Allow", "Action": "kms:Decrypt",
        "Resource": Tagged("!Ref", "SecretsKmsKeyArn")})
    yield "FullAccess", with_change(lambda t: t["Resources"][role_name]["Properties"].__setitem__(
        "ManagedPolicyArns", ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]))
    yield "SAM policy template", with_change(lambda t: t["Resources"][fn_name]["Properties"].__setitem__(
        "Policies", [{"DynamoDBCrudPolicy": {"TableName": "x"}}]))
    yield "provisioned table", with_change(lambda t: t["Resources"]["SayingsTable"]["Properties"].__setitem__(
        "BillingMode", "PROVISIONED"))


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    with open(argv[1]) as f:
        template = yaml.load(f, Loader=CfnLoader)
    errors = check(template)
    for e in errors:
        print("template:", e)
    if errors:
        return 1
    if "--self-test" in argv:
        missed = [name for name, t in widened(template) if not check(t)]
        for name in missed:
            print("self-test: a widened template passed:", name)
        if missed:
            return 1
        print("self-test: every widened template was refused")
    print("template ok: least privilege, scoped to this stack")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
