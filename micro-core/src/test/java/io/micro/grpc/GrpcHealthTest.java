package io.micro.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.micro.server.Server;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** grpc-java's own health stub (grpc-services) probes the built-in grpc.health.v1.Health. */
class GrpcHealthTest {

  @Test
  void checkAndWatch() throws Exception {
    Server server = Server.builder().name("micro.test").address("127.0.0.1:0").build();
    server.handle("Say", new SayHandler());
    server.start();
    ManagedChannel channel = Grpc.newChannelBuilder(server.address(), InsecureChannelCredentials.create()).build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
      for (String service : new String[] {"", "micro.test", "micro.test.Say"}) {
        assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
            .as(service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      }
      assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder().setService("nope").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

      Iterator<HealthCheckResponse> watch = health.watch(HealthCheckRequest.newBuilder().build());
      assertThat(watch.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      Thread stopper = new Thread(server::stop);
      stopper.start();
      assertThat(watch.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.NOT_SERVING);
      stopper.join(20_000);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
    }
  }
}
