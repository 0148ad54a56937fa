import { findOwnConnectionsOwner } from '../../gateway/socket-owner/read-socket-owner.js';
import { describePortHolder } from '../../gateway/socket-owner/socket-owner.js';
import type { GatewaySocketInfo } from './rpc-options.js';

/**
 * The gateway RPC's beforeSendingToken: resolves only when every connection of clawsupd to the gateway's port is
 * served by the gateway's process group (the gateway's pid is its group's id), so the token goes to nobody else.
 */
export function createGatewayPeerCheck(getGatewayPid: () => number | null): (target: GatewaySocketInfo) => Promise<void> {
  return async (target) => {
    const gatewayPid = getGatewayPid();
    if (gatewayPid === null) throw new Error('no gateway is running');
    const owner = findOwnConnectionsOwner(target, gatewayPid);
    if (owner.owner === 'gateway') return;
    throw new Error(owner.owner === 'other' ? describePortHolder(owner.holder) : `cannot tell who serves ${target.host}:${target.port}: ${owner.why}`);
  };
}
