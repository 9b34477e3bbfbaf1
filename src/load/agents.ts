import type http from 'node:http';
import { newAgent } from './httpSend.js';

const agents = new Map<string, http.Agent>();

/**
 * One keep-alive agent per gateway origin for the whole process, so a phase reuses the connections the
 * previous phase opened instead of paying ~1 ms per new loopback connection inside its first latencies.
 * Idle sockets are unref'd by node:http, so keeping agents around never holds the process open.
 */
export function agentFor(url: URL): http.Agent {
  let agent = agents.get(url.origin);
  if (!agent) {
    agent = newAgent();
    agents.set(url.origin, agent);
  }
  return agent;
}
