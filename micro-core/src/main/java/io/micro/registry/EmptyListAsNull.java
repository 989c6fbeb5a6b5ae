package io.micro.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.List;

/** Writes an empty list as JSON {@code null}, as Go writes a nil slice. */
final class EmptyListAsNull extends JsonSerializer<List<?>> {

  @Override
  public void serialize(List<?> value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    if (value.isEmpty()) {
      gen.writeNull();
    } else {
      provider.defaultSerializeValue(value, gen);
    }
  }
}
