using Cairn.Documents.Json;

namespace Cairn.Documents.Operations.Arguments;

/// <summary>JSON.GET key [INDENT s] [NEWLINE s] [SPACE s] [FORMAT STRING|JSON|EXPAND] [path ...].</summary>
public sealed record JsonGetArguments(byte[] Key, IReadOnlyList<string> Paths, JsonFormatOptions Format,
    JsonGetReplyFormat ReplyFormat = JsonGetReplyFormat.String);
