/**
 * Where the probe runs, when the caller (VS Code's remote name) does not say:
 * WSL, a container, an SSH session, or plain local. Read from environment
 * variables and marker files only.
 */
import { existsSync, readFileSync } from 'node:fs';

export function detectEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODESPACES === 'true') return 'codespaces';
  if (env.REMOTE_CONTAINERS === 'true' || env.REMOTE_CONTAINERS_IPC) return 'dev-container';
  if (env.WSL_DISTRO_NAME || isWslKernel()) return 'wsl';
  if (existsSync('/.dockerenv') || existsSync('/run/.containerenv')) return 'container';
  if (env.SSH_CONNECTION || env.SSH_CLIENT) return 'ssh-remote';
  return 'local';
}

function isWslKernel(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return /microsoft/i.test(readFileSync('/proc/version', 'utf8'));
  } catch {
    return false;
  }
}
