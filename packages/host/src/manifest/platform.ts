// This machine's platform as Go names it ("linux-amd64"), the keys of Mattermost's
// server.executables, which its plugin builds produce one binary each for.

const goOs: Partial<Record<NodeJS.Platform, string>> = { win32: "windows" };
const goArch: Partial<Record<string, string>> = { x64: "amd64", ia32: "386", ppc64: "ppc64le" };

/** `<os>-<arch>` in Go's names for this process's platform, e.g. "linux-amd64", "darwin-arm64". */
export function hostPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  return `${goOs[platform] ?? platform}-${goArch[arch] ?? arch}`;
}
