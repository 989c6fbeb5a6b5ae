package io.micro.plugins.broker.mqtt;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain Paho client standing for a foreign MQTT client (a Go service, a device). */
final class RawClient implements AutoCloseable {
  /** What arrived: the MQTT topic and the message. */
  record Received(String topic, MqttMessage message) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final MqttAsyncClient client;

  RawClient(String address) throws MqttException {
    client = new MqttAsyncClient("tcp://" + address, "raw-" + UUID.randomUUID(), new MemoryPersistence());
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, message));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    client.connect(new MqttConnectOptions()).waitForCompletion(5000);
  }

  void subscribe(String filter) throws MqttException {
    client.subscribe(filter, 1).waitForCompletion(5000);
  }

  void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false).waitForCompletion(5000);
  }

  @Override
  public void close() throws MqttException {
    client.disconnect().waitForCompletion(5000);
    client.close();
  }
}
