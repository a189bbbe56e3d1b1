namespace Cairn.Protocol.Resp;

/// <summary>The protocol a connection speaks, chosen by HELLO. Frozen values: they appear in CLIENT LIST as resp=2|3.</summary>
public enum RespVersion : byte
{
    Resp2 = 2,
    Resp3 = 3,
}
