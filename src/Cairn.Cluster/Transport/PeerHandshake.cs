using System.Security.Cryptography;
using System.Text;

namespace Cairn.Cluster.Transport;

/// <summary>
/// Mutual challenge-response over a new peer connection, so that only holders of the cluster secret exchange messages:
/// the dialer sends a magic, its node id and a random nonce; the listener answers with its id, its nonce and
/// HMAC-SHA256(secret, "listener" | both nonces | both ids); the dialer checks it and answers with its own proof over
/// "dialer". Neither side sends anything else before checking the other's proof; the secret never crosses the wire and the
/// nonces stop replays. (Authentication only: the link is not encrypted; run it on a private network or under TLS.)
/// </summary>
public static class PeerHandshake
{
    public static readonly byte[] Magic = "CAIRNP1\n"u8.ToArray();
    public const int NonceBytes = 16;
    public const int ProofBytes = 32;
    public const int MaxIdBytes = 256;

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    public static byte[] Proof(byte[] secret, string role, byte[] dialerNonce, byte[] listenerNonce, string dialerId, string listenerId)
    {
        using var hmac = new HMACSHA256(secret);
        byte[] text = [.. Encoding.UTF8.GetBytes(role), .. dialerNonce, .. listenerNonce,
            .. Encoding.UTF8.GetBytes(dialerId), 0, .. Encoding.UTF8.GetBytes(listenerId)];
        return hmac.ComputeHash(text);
    }

    public static bool Verify(byte[] expected, byte[] actual) => CryptographicOperations.FixedTimeEquals(expected, actual);

    public static async Task WriteStringAsync(Stream stream, string value, CancellationToken cancellation)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        await stream.WriteAsync(new[] { (byte)bytes.Length }, cancellation);
        await stream.WriteAsync(bytes, cancellation);
    }

    public static async Task<string> ReadStringAsync(Stream stream, CancellationToken cancellation)
    {
        byte[] length = new byte[1];
        await stream.ReadExactlyAsync(length, cancellation);
        byte[] bytes = new byte[length[0]];
        await stream.ReadExactlyAsync(bytes, cancellation);
        return Encoding.UTF8.GetString(bytes);
    }
}
