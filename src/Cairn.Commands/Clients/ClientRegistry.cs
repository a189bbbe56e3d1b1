namespace Cairn.Commands.Clients;

/// <summary>Connected clients by id. Thread safety: mutated and read under the store lock.</summary>
public sealed class ClientRegistry
{
    private readonly SortedDictionary<long, Client> _clients = [];
    private long _nextId;

    public int Count => _clients.Count;

    public IEnumerable<Client> All => _clients.Values;

    public long TotalConnectionsReceived { get; private set; }

    public long RejectedConnections { get; set; }

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(Client client)
    {
        _clients.Add(client.Id, client);
        TotalConnectionsReceived++;
    }

    public void Remove(Client client) => _clients.Remove(client.Id);

    public Client? Find(long id) => _clients.GetValueOrDefault(id);
}
