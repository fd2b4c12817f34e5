// Unknown fields: the kubernetes-models JSON schemas accept any extra property, so a
// typo such as `readOnlyRootFileSystem` would validate and be silently ignored by the
// API server. TypeScript's excess-property check on object literals does catch it:
// each manifest becomes `const m: IDeployment = {…}` and tsc reports what the
// Kubernetes/CRD type does not know.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Manifest, REPO } from "./manifests.ts";

const TYPES: Record<string, { module: string; type: string }> = {
  "v1/ConfigMap": { module: "kubernetes-models/v1", type: "IConfigMap" },
  "v1/Namespace": { module: "kubernetes-models/v1", type: "INamespace" },
  "v1/Secret": { module: "kubernetes-models/v1", type: "ISecret" },
  "v1/Service": { module: "kubernetes-models/v1", type: "IService" },
  "v1/ServiceAccount": { module: "kubernetes-models/v1", type: "IServiceAccount" },
  "apps/v1/Deployment": { module: "kubernetes-models/apps/v1", type: "IDeployment" },
  "policy/v1/PodDisruptionBudget": { module: "kubernetes-models/policy/v1", type: "IPodDisruptionBudget" },
  "networking.k8s.io/v1/NetworkPolicy": { module: "kubernetes-models/networking.k8s.io/v1", type: "INetworkPolicy" },
  "keda.sh/v1alpha1/ScaledObject": { module: "@kubernetes-models/keda/keda.sh/v1alpha1", type: "IScaledObject" },
  "keda.sh/v1alpha1/TriggerAuthentication": { module: "@kubernetes-models/keda/keda.sh/v1alpha1", type: "ITriggerAuthentication" },
  "monitoring.coreos.com/v1/ServiceMonitor": { module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1", type: "IServiceMonitor" },
  "monitoring.coreos.com/v1/PodMonitor": { module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1", type: "IPodMonitor" },
  "monitoring.coreos.com/v1/PrometheusRule": { module: "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1", type: "IPrometheusRule" },
};

export interface FieldProblem {
  /** `Kind/name` of the manifest. */
  readonly manifest: string;
  readonly message: string;
}

/** Type-checks every manifest; returns one problem per tsc error. */
export function unknownFields(manifests: readonly Manifest[]): FieldProblem[] {
  const dir = join(REPO, "test", ".results", `strict-fields-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  try {
    const imports = new Map<string, Set<string>>();
    const lines: string[] = [];
    const owners: string[] = [];
    manifests.forEach((manifest, index) => {
      const target = TYPES[`${manifest.apiVersion}/${manifest.kind}`];
      if (target === undefined) throw new Error(`no type for ${manifest.apiVersion}/${manifest.kind}`);
      imports.set(target.module, (imports.get(target.module) ?? new Set()).add(target.type));
      // One line per manifest, so an error's line number names its manifest.
      lines.push(`export const m${index}: ${target.type} = ${JSON.stringify(manifest)};`);
      owners.push(`${manifest.kind}/${manifest.metadata.name}`);
    });
    const header = [...imports].map(([module, types]) => `import type { ${[...types].join(", ")} } from "${module}";`);
    writeFileSync(join(dir, "manifests.ts"), [...header, ...lines, ""].join("\n"));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2023", skipLibCheck: true, types: [] },
        files: ["manifests.ts"],
      }),
    );
    let output = "";
    try {
      execFileSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? "");
    }
    return output
      .split("\n")
      .map((line) => /manifests\.ts\((\d+),\d+\): error TS\d+: (.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ manifest: owners[Number(match[1]) - 1 - header.length] ?? "?", message: match[2] as string }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
