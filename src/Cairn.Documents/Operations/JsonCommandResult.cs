namespace Cairn.Documents.Operations;

/// <summary>Reply plus effect on the key. An error reply may still carry Modified when earlier matches were already changed (as in RedisJSON).</summary>
public readonly record struct JsonCommandResult(JsonReply Reply, JsonKeyEffect Effect)
{
    public static JsonCommandResult Read(JsonReply reply) => new(reply, JsonKeyEffect.None);

    public static JsonCommandResult Fail(string message) => new(JsonReply.Error(message), JsonKeyEffect.None);
}
