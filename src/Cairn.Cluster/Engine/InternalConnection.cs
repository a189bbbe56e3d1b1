using Cairn.Commands.Clients;
using Cairn.Protocol.Resp;

namespace Cairn.Cluster.Engine;

/// <summary>
/// The "connection" of the cluster's own client, through which replicated commands run on the local engine. Its client is
/// never routed again (the router checks for this type), and pushes to it (keyspace events) go nowhere.
/// </summary>
internal sealed class InternalConnection : IClientConnection
{
    public string RemoteAddress => "cluster";

    public string LocalAddress => "cluster";

    public long PendingOutputBytes => 0;

    public long QueryBufferBytes => 0;

    public bool Push(Action<RespWriter> write) => true;

    public bool Push<TState>(TState state, Action<RespWriter, TState> write) => true;

    public void Close(bool afterReply)
    {
    }
}
