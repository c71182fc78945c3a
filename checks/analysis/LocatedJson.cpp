//===- LocatedJson.cpp ----------------------------------------------------===//
#include "LocatedJson.h"

#include <algorithm>

namespace blockwatch {

std::string jsonPointerEscape(const std::string &Key) {
  std::string Out;
  for (char C : Key) {
    if (C == '~')
      Out += "~0";
    else if (C == '/')
      Out += "~1";
    else
      Out += C;
  }
  return Out;
}

static void appendUtf8(std::string &Out, unsigned CP) {
  if (CP < 0x80) {
    Out += char(CP);
  } else if (CP < 0x800) {
    Out += char(0xC0 | (CP >> 6));
    Out += char(0x80 | (CP & 0x3F));
  } else if (CP < 0x10000) {
    Out += char(0xE0 | (CP >> 12));
    Out += char(0x80 | ((CP >> 6) & 0x3F));
    Out += char(0x80 | (CP & 0x3F));
  } else {
    Out += char(0xF0 | (CP >> 18));
    Out += char(0x80 | ((CP >> 12) & 0x3F));
    Out += char(0x80 | ((CP >> 6) & 0x3F));
    Out += char(0x80 | (CP & 0x3F));
  }
}

static bool hex4(std::string_view S, size_t &I, unsigned &V) {
  if (I + 4 > S.size())
    return false;
  V = 0;
  for (int K = 0; K < 4; ++K) {
    char C = S[I++];
    V <<= 4;
    if (C >= '0' && C <= '9')
      V |= C - '0';
    else if (C >= 'a' && C <= 'f')
      V |= C - 'a' + 10;
    else if (C >= 'A' && C <= 'F')
      V |= C - 'A' + 10;
    else
      return false;
  }
  return true;
}

const char *decodeJsonEscape(std::string_view S, size_t &I, std::string &Out) {
  if (I >= S.size())
    return "unterminated string";
  switch (S[I++]) {
  case '"': Out += '"'; return nullptr;
  case '\\': Out += '\\'; return nullptr;
  case '/': Out += '/'; return nullptr;
  case 'b': Out += '\b'; return nullptr;
  case 'f': Out += '\f'; return nullptr;
  case 'n': Out += '\n'; return nullptr;
  case 'r': Out += '\r'; return nullptr;
  case 't': Out += '\t'; return nullptr;
  case 'u': {
    unsigned CP, Low;
    if (!hex4(S, I, CP))
      return "invalid \\u escape";
    if (CP >= 0xDC00 && CP <= 0xDFFF)
      return "unpaired surrogate in a \\u escape";
    if (CP >= 0xD800 && CP <= 0xDBFF) {
      if (I + 1 >= S.size() || S[I] != '\\' || S[I + 1] != 'u')
        return "unpaired surrogate in a \\u escape";
      I += 2;
      if (!hex4(S, I, Low) || Low < 0xDC00 || Low > 0xDFFF)
        return "unpaired surrogate in a \\u escape";
      CP = 0x10000 + ((CP - 0xD800) << 10) + (Low - 0xDC00);
    }
    appendUtf8(Out, CP);
    return nullptr;
  }
  default:
    --I;
    return "invalid escape in string";
  }
}

namespace {
struct ParseError {
  size_t Offset;
  std::string Message;
};
} // namespace

class JsonParser {
public:
  JsonParser(LocatedJson &Doc, const std::string &Text) : Doc(Doc), S(Text) {}

  nlohmann::json parseDocument() {
    skipSpace();
    nlohmann::json V = parseValue("", 0);
    skipSpace();
    if (I != S.size())
      fail("unexpected text after the JSON document");
    return V;
  }

private:
  LocatedJson &Doc;
  const std::string &S;
  size_t I = 0;

  [[noreturn]] void fail(const std::string &Msg) { throw ParseError{I, Msg}; }

  void skipSpace() {
    while (I < S.size() &&
           (S[I] == ' ' || S[I] == '\t' || S[I] == '\n' || S[I] == '\r'))
      ++I;
  }

  void expect(char C) {
    if (I >= S.size() || S[I] != C)
      fail(std::string("expected '") + C + "'");
    ++I;
  }

  nlohmann::json parseValue(const std::string &Ptr, unsigned Depth) {
    if (Depth > 64)
      fail("JSON nested too deeply");
    skipSpace();
    if (I >= S.size())
      fail("unexpected end of input");
    Doc.ValueOffsets[Ptr] = I;
    char C = S[I];
    if (C == '{')
      return parseObject(Ptr, Depth);
    if (C == '[')
      return parseArray(Ptr, Depth);
    if (C == '"')
      return parseString();
    if (C == 't' || C == 'f' || C == 'n')
      return parseLiteral();
    if (C == '-' || (C >= '0' && C <= '9'))
      return parseNumber();
    fail(std::string("unexpected character '") + C + "'");
  }

  nlohmann::json parseObject(const std::string &Ptr, unsigned Depth) {
    expect('{');
    nlohmann::json Obj = nlohmann::json::object();
    skipSpace();
    if (I < S.size() && S[I] == '}') {
      ++I;
      return Obj;
    }
    while (true) {
      skipSpace();
      size_t KeyAt = I;
      if (I >= S.size() || S[I] != '"')
        fail("expected a string key");
      std::string Key = parseString().get<std::string>();
      if (Obj.contains(Key)) {
        I = KeyAt;
        fail("duplicate key '" + Key + "'");
      }
      std::string Child = Ptr + "/" + jsonPointerEscape(Key);
      Doc.KeyOffsets[Child] = KeyAt;
      skipSpace();
      expect(':');
      Obj[Key] = parseValue(Child, Depth + 1);
      skipSpace();
      if (I < S.size() && S[I] == ',') {
        ++I;
        continue;
      }
      expect('}');
      return Obj;
    }
  }

  nlohmann::json parseArray(const std::string &Ptr, unsigned Depth) {
    expect('[');
    nlohmann::json Arr = nlohmann::json::array();
    skipSpace();
    if (I < S.size() && S[I] == ']') {
      ++I;
      return Arr;
    }
    while (true) {
      Arr.push_back(
          parseValue(Ptr + "/" + std::to_string(Arr.size()), Depth + 1));
      skipSpace();
      if (I < S.size() && S[I] == ',') {
        ++I;
        continue;
      }
      expect(']');
      return Arr;
    }
  }

  static bool validUtf8(const std::string &Str) {
    size_t K = 0;
    while (K < Str.size()) {
      unsigned char C = Str[K];
      size_t Len = C < 0x80 ? 1 : (C >> 5) == 6 ? 2 : (C >> 4) == 14 ? 3
                                 : (C >> 3) == 30 ? 4 : 0;
      if (Len == 0 || K + Len > Str.size())
        return false;
      for (size_t J = 1; J < Len; ++J)
        if ((static_cast<unsigned char>(Str[K + J]) >> 6) != 2)
          return false;
      K += Len;
    }
    return true;
  }

  nlohmann::json parseString() {
    expect('"');
    std::string Out;
    while (true) {
      if (I >= S.size())
        fail("unterminated string");
      char C = S[I++];
      if (C == '"')
        break;
      if (static_cast<unsigned char>(C) < 0x20) {
        --I;
        fail("control character in string");
      }
      if (C != '\\') {
        Out += C;
        continue;
      }
      if (const char *Error = decodeJsonEscape(S, I, Out))
        fail(Error);
    }
    // nlohmann throws on invalid UTF-8 only when dumping; reject it here, where
    // the position is still known.
    if (!validUtf8(Out))
      fail("string is not valid UTF-8");
    return nlohmann::json(Out);
  }

  nlohmann::json parseLiteral() {
    auto Match = [&](const char *Word) {
      size_t N = std::char_traits<char>::length(Word);
      if (S.compare(I, N, Word) == 0) {
        I += N;
        return true;
      }
      return false;
    };
    if (Match("true"))
      return true;
    if (Match("false"))
      return false;
    if (Match("null"))
      return nullptr;
    fail("invalid literal");
  }

  nlohmann::json parseNumber() {
    size_t Start = I;
    if (S[I] == '-')
      ++I;
    bool IsFloat = false;
    while (I < S.size() && ((S[I] >= '0' && S[I] <= '9') || S[I] == '.' ||
                            S[I] == 'e' || S[I] == 'E' || S[I] == '+' ||
                            S[I] == '-')) {
      if (S[I] == '.' || S[I] == 'e' || S[I] == 'E')
        IsFloat = true;
      ++I;
    }
    std::string Text = S.substr(Start, I - Start);
    try {
      if (IsFloat)
        return std::stod(Text);
      return std::stoll(Text);
    } catch (...) {
      I = Start;
      fail("invalid number '" + Text + "'");
    }
  }
};

bool LocatedJson::parse(const std::string &Text, std::string &Error) {
  Source = Text;
  LineStarts.clear();
  ValueOffsets.clear();
  KeyOffsets.clear();
  JsonParser P(*this, Source);
  try {
    Root = P.parseDocument();
  } catch (const ParseError &E) {
    TextPos Pos = posOf(E.Offset);
    Error = std::to_string(Pos.Line) + ":" + std::to_string(Pos.Col) + ": " +
            E.Message;
    return false;
  }
  return true;
}

TextPos LocatedJson::posOf(size_t Offset) const {
  // Every entry's origin asks for a position: index the lines once.
  if (LineStarts.empty()) {
    LineStarts.push_back(0);
    for (size_t K = 0; K < Source.size(); ++K)
      if (Source[K] == '\n')
        LineStarts.push_back(K + 1);
  }
  Offset = std::min(Offset, Source.size());
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Offset);
  size_t Line = It - LineStarts.begin();
  TextPos P;
  P.Line = static_cast<unsigned>(Line);
  P.Col = static_cast<unsigned>(Offset - LineStarts[Line - 1] + 1);
  return P;
}

TextPos LocatedJson::valuePos(const std::string &Pointer) const {
  auto It = ValueOffsets.find(Pointer);
  return It == ValueOffsets.end() ? TextPos() : posOf(It->second);
}

TextPos LocatedJson::keyPos(const std::string &Pointer) const {
  auto It = KeyOffsets.find(Pointer);
  return It == KeyOffsets.end() ? valuePos(Pointer) : posOf(It->second);
}

} // namespace blockwatch
