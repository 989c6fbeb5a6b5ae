package io.micro.toolkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micro.errors.MicroException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Micro's translation tables (go-micro api/handler and api/resolver tests, micro's api README). */
class RoutesTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
      "/foo/bar, foo, Foo.Bar",
      "/foo/foo/bar, foo, Foo.Bar",
      "/foo/bar/baz, foo, Bar.Baz",
      "/foo/bar/baz-xyz, foo, Bar.BazXyz",
      "/foo/bar/baz/cat, foo.bar, Baz.Cat",
      "/foo/bar/baz/cat/car, foo.bar.baz, Cat.Car",
      "/foo/fooBar/bazCat, foo, FooBar.BazCat",
      "/v1/foo/bar, v1.foo, Foo.Bar",
      "/v1/foo/bar/baz, v1.foo, Bar.Baz",
      "/v1/foo/bar/baz/cat, v1.foo.bar, Baz.Cat",
      "/v2/foo/bar, v2.foo, Foo.Bar",
      "/greeter/say/hello, greeter, Say.Hello",
      "/foo, foo, Foo.Call",
      "/foo/get-user, foo, Foo.GetUser",
      "//foo///bar/, foo, Foo.Bar",
  })
  void apiRoutes(String path, String service, String method) {
    assertThat(Routes.api(path)).containsExactly(service, method);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/f, f",
      "/f-b, f-b",
      "/foo/bar, foo",
      "/foo-bar, foo-bar",
      "/foo-bar-baz, foo-bar-baz",
      "/foo/bar/bar, foo",
      "/v1/foo/bar, v1.foo",
      "/v1/foo/bar/baz, v1.foo",
      "/v1/foo/bar/baz/cat, v1.foo",
      "/greeter, greeter",
      "/greeter/:name, greeter",
  })
  void proxyRoutes(String path, String service) {
    assertThat(Routes.proxy(path)).isEqualTo(service);
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
      "/, '', event",
      "/user/login, user, login",
      "/user/login/john, user, login.john",
      "/v1/foo/bar, v1.foo, foo.bar",
      "/user, user, user",
  })
  void eventRoutes(String path, String topic, String name) {
    assertThat(Routes.event(path)).containsExactly(topic, name);
  }

  @ParameterizedTest(name = "{0} names no service")
  @CsvSource({"/", "/foo.bar/baz", "/a/b.c/d", "/foo/-x", "'/foo/ba r'", "/foo/bar%2f"})
  void noNameEscapesItsNamespace(String path) {
    assertThat(Routes.api(path)).isNull();
  }

  @ParameterizedTest(name = "proxy {0} names no service")
  @CsvSource({"/", "/foo.bar", "/-foo", "/foo_bar", "/v1/x.y/z"})
  void proxyAliasesArePlainWords(String path) {
    assertThat(Routes.proxy(path)).isNull();
  }

  @Test
  void qualifyJoinsTheNamespace() {
    assertThat(Routes.qualify("go.micro.api", "foo")).isEqualTo("go.micro.api.foo");
    assertThat(Routes.qualify("", "foo")).isEqualTo("foo");
    assertThat(Routes.qualify("go.micro.api", "")).isEqualTo("go.micro.api");
  }

  @Test
  void unknownResolverNamesTheKnownOnes() {
    assertThatThrownBy(() -> Resolver.named("dns", "rpc", "ns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dns'").hasMessageContaining("micro, host, path, vpath, grpc");
  }

  @Test
  void resolversByName() {
    var get = Requests.get("/greeter/say/hello", "greeter.example.com:8080");
    assertThat(Resolver.named("micro", "rpc", "go.micro.api").resolve(get))
        .isEqualTo(new Resolver.Target("go.micro.api.greeter", "Say.Hello"));
    assertThat(Resolver.named("micro", "http", "go.micro.api").resolve(get))
        .isEqualTo(new Resolver.Target("go.micro.api.greeter", "GET"));
    assertThat(Resolver.named("host", "rpc", "go.micro.api").resolve(get))
        .isEqualTo(new Resolver.Target("greeter.example.com", "GET"));
    assertThat(Resolver.named("path", "rpc", "go.micro.api").resolve(get))
        .isEqualTo(new Resolver.Target("go.micro.api.greeter", "GET"));
    assertThat(Resolver.named("vpath", "rpc", "go.micro.api").resolve(Requests.get("/v1/foo/bar", "x")))
        .isEqualTo(new Resolver.Target("go.micro.api.v1.foo", "GET"));
    assertThat(Resolver.named("path", "rpc", "go.micro.api").resolve(Requests.get("/v1/foo/bar", "x")))
        .isEqualTo(new Resolver.Target("go.micro.api.v1", "GET"));
    assertThat(Resolver.named("grpc", "rpc", "").resolve(Requests.get("/helloworld.Greeter/SayHello", "x")))
        .isEqualTo(new Resolver.Target("helloworld", "Greeter.SayHello"));
  }

  @Test
  void unresolvablePathsAre404NamingThePath() {
    assertThatThrownBy(() -> Resolver.micro("go.micro.api").resolve(Requests.get("/foo.bar/baz", "x")))
        .isInstanceOfSatisfying(MicroException.class, e -> {
          assertThat(e.code()).isEqualTo(404);
          assertThat(e.detail()).contains("/foo.bar/baz").contains("'foo.bar' is not a plain word");
        });
    assertThatThrownBy(() -> Resolver.host().resolve(Requests.get("/", "evil/../x")))
        .isInstanceOf(MicroException.class);
    assertThatThrownBy(() -> Resolver.path("ns", false).resolve(Requests.get("/", "x")))
        .isInstanceOf(MicroException.class);
  }

  @Test
  void microResolverAnswersTheSameForPathsSeenBeforeAndBeyondItsMemory() {
    Resolver r = Resolver.micro("ns");
    for (int i = 0; i < Resolver.CACHED_PATHS + 10; i++) {
      assertThat(r.resolve(Requests.get("/svc" + i + "/say/hello", "x")))
          .isEqualTo(new Resolver.Target("ns.svc" + i, "Say.Hello"));
    }
    for (int i = 0; i < Resolver.CACHED_PATHS + 10; i += 97) {
      assertThat(r.resolve(Requests.get("/svc" + i + "/say/hello", "x")))
          .isEqualTo(new Resolver.Target("ns.svc" + i, "Say.Hello"));
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> r.resolve(Requests.get("/a b/c", "x"))).isInstanceOf(MicroException.class);
    }
  }
}
